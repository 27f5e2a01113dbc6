package dev.tandem.session;

import java.util.function.LongSupplier;

/**
 * A token bucket: holds up to {@code burst} permits, refilled at {@code ratePerSecond}. Thread-safe;
 * {@link #tryAcquire()} never blocks. A rate of zero or less disables the limit.
 */
public final class RateLimiter {
    private final double ratePerNano;
    private final double burst;
    private final LongSupplier nanoClock;
    private double permits;
    private long refilledAt;

    public RateLimiter(double ratePerSecond, int burst, LongSupplier nanoClock) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = Math.max(1, burst);
        this.nanoClock = nanoClock;
        this.permits = this.burst;
        this.refilledAt = nanoClock.getAsLong();
    }

    public RateLimiter(double ratePerSecond, int burst) {
        this(ratePerSecond, burst, System::nanoTime);
    }

    /** Takes one permit if there is one. */
    public synchronized boolean tryAcquire() {
        if (ratePerNano <= 0) {
            return true;
        }
        long now = nanoClock.getAsLong();
        long elapsed = now - refilledAt;
        if (elapsed > 0) {
            permits = Math.min(burst, permits + elapsed * ratePerNano);
            refilledAt = now;
        }
        if (permits >= 1) {
            permits -= 1;
            return true;
        }
        return false;
    }
}

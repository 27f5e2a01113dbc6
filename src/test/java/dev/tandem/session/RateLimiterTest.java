package dev.tandem.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private final AtomicLong nanos = new AtomicLong(1_000);

    @Test
    void allowsTheBurstThenRefusesUntilRefilled() {
        RateLimiter limiter = new RateLimiter(10, 5, nanos::get);
        assertEquals(5, IntStream.range(0, 20).filter(i -> limiter.tryAcquire()).count());
        assertFalse(limiter.tryAcquire());
        nanos.addAndGet(100_000_000); // 0.1 s at 10/s: one permit
        assertTrue(limiter.tryAcquire());
        assertFalse(limiter.tryAcquire());
    }

    @Test
    void refillNeverExceedsTheBurst() {
        RateLimiter limiter = new RateLimiter(10, 3, nanos::get);
        nanos.addAndGet(60_000_000_000L);
        assertEquals(3, IntStream.range(0, 10).filter(i -> limiter.tryAcquire()).count());
    }

    @Test
    void sustainedRateIsHonoured() {
        RateLimiter limiter = new RateLimiter(50, 1, nanos::get);
        int granted = 0;
        for (int ms = 0; ms < 1000; ms++) {
            nanos.addAndGet(1_000_000);
            granted += limiter.tryAcquire() ? 1 : 0;
        }
        assertEquals(50, granted, 1);
    }

    @Test
    void aNonPositiveRateDisablesTheLimit() {
        RateLimiter limiter = new RateLimiter(0, 1, nanos::get);
        assertTrue(IntStream.range(0, 1000).allMatch(i -> limiter.tryAcquire()));
    }
}

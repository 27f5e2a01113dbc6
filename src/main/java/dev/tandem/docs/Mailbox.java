package dev.tandem.docs;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * The serial work queue in front of one {@link DocumentOwner}: its tasks run one at a time on a
 * shared pool, so everything they touch is confined to one thread at a time.
 *
 * <p>A turn runs up to {@code maxBatch} queued tasks and then {@code endOfBatch} once (the owner's
 * flush). A retired mailbox (document evicted or host closed) refuses new tasks; callers go to a
 * fresh owner instead.
 */
final class Mailbox {
    private static final System.Logger LOG = System.getLogger(Mailbox.class.getName());

    private final String key;
    private final Executor executor;
    private final int maxBatch;
    private final BooleanSupplier hostClosed;
    private final LongConsumer busyNanos;
    private final Runnable endOfBatch;
    private final Runnable onRetired;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean scheduled;
    /** Written under the lock on the owner thread only, so the owner may read it without the lock. */
    private boolean retired;
    private volatile long lastUsed = System.nanoTime();

    /**
     * @param key        the document id, for log messages
     * @param executor   the shared pool turns run on
     * @param maxBatch   tasks per turn before {@code endOfBatch}
     * @param hostClosed true once the host is closing: callers' tasks are refused from then on
     * @param busyNanos  told how long each turn took
     * @param endOfBatch runs once at the end of every turn
     * @param onRetired  runs under the mailbox lock when it retires, so no task slips in between
     */
    Mailbox(String key, Executor executor, int maxBatch, BooleanSupplier hostClosed, LongConsumer busyNanos,
            Runnable endOfBatch, Runnable onRetired) {
        this.key = key;
        this.executor = executor;
        this.maxBatch = maxBatch;
        this.hostClosed = hostClosed;
        this.busyNanos = busyNanos;
        this.endOfBatch = endOfBatch;
        this.onRetired = onRetired;
    }

    /** Queues work from a caller (counts as use of the document); false when retired or the host is closed. */
    boolean offer(Runnable task) {
        return offer(task, false, true);
    }

    /** Queues housekeeping (eviction, shutdown) that must not count as use; false only when retired. */
    boolean offerInternal(Runnable task) {
        return offer(task, true, false);
    }

    /** When a caller last queued work or {@link #touch()} was called ({@link System#nanoTime()}). */
    long lastUsed() {
        return lastUsed;
    }

    /** Counts as use of the document now (e.g. its last peer left). */
    void touch() {
        lastUsed = System.nanoTime();
    }

    /** Owner thread only. */
    boolean isRetired() {
        return retired;
    }

    /**
     * Owner thread only: refuses further tasks and runs {@code onRetired}. With {@code onlyIfEmpty},
     * does nothing (and returns false) when tasks are waiting: they still need this owner.
     */
    synchronized boolean retire(boolean onlyIfEmpty) {
        if (onlyIfEmpty && !tasks.isEmpty()) {
            return false;
        }
        retired = true;
        onRetired.run();
        return true;
    }

    private boolean offer(Runnable task, boolean evenIfClosed, boolean touch) {
        synchronized (this) {
            if (retired || (hostClosed.getAsBoolean() && !evenIfClosed)) {
                return false;
            }
            tasks.add(task);
            if (touch) {
                lastUsed = System.nanoTime();
            }
            if (scheduled) {
                return true;
            }
            scheduled = true;
        }
        executor.execute(this::drain);
        return true;
    }

    private void drain() {
        long started = System.nanoTime();
        try {
            drainBatch();
        } finally {
            busyNanos.accept(System.nanoTime() - started);
        }
    }

    private void drainBatch() {
        for (int n = 0; n < maxBatch; n++) {
            Runnable r;
            synchronized (this) {
                r = tasks.poll();
            }
            if (r == null) {
                break;
            }
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "task failed on " + key, e);
            }
        }
        try {
            endOfBatch.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "flush failed on " + key, e);
        }
        synchronized (this) {
            if (tasks.isEmpty()) {
                scheduled = false;
                return;
            }
        }
        executor.execute(this::drain);
    }
}

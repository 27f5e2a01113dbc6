package dev.tandem.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The threads that start writes to connections (the {@link Outbox} write chains).
 *
 * <p>A publish starts up to one write chain per subscriber. Handing each one to a pool thread costs a
 * queue operation and a thread wake-up per subscriber: at 200 subscribers × 200 msg/s that hand-off was
 * a large share of the fan-out's CPU (bench/PROFILING.md). Inside {@link #batched}, the chains started on
 * the calling thread are collected and handed over together when the work is done: split evenly over at
 * most {@code threads} pool tasks of at least {@link #MIN_CHUNK} chains each, every task starting its
 * chains one after another. Starting a chain never blocks (sends are asynchronous), so one task serves
 * many connections without holding any of them up.
 */
public final class WriterPool implements Executor {
    /** Fewer chains than this go to one task: a wake-up costs more than starting a few writes. */
    static final int MIN_CHUNK = 16;
    private static final Logger LOG = Logger.getLogger(WriterPool.class.getName());

    private final Executor pool;
    private final int threads;
    private final ThreadLocal<List<Runnable>> collecting = new ThreadLocal<>();

    /** {@code threads}: how many tasks one batch is spread over at most (the pool's thread count). */
    public WriterPool(Executor pool, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        this.pool = pool;
        this.threads = threads;
    }

    /** Runs {@code task} on the pool, or, inside {@link #batched} on this thread, when the batch is handed over. */
    @Override
    public void execute(Runnable task) {
        List<Runnable> batch = collecting.get();
        if (batch != null) {
            batch.add(task);
        } else {
            pool.execute(task);
        }
    }

    /**
     * Runs {@code work}, collecting the tasks it gives this executor, and hands them to the pool when it
     * returns (or throws). Nested calls join the outer batch.
     */
    public <T> T batched(Supplier<T> work) {
        if (collecting.get() != null) {
            return work.get();
        }
        List<Runnable> batch = new ArrayList<>();
        collecting.set(batch);
        try {
            return work.get();
        } finally {
            collecting.remove();
            handOver(batch);
        }
    }

    private void handOver(List<Runnable> tasks) {
        int size = tasks.size();
        if (size == 0) {
            return;
        }
        int chunks = Math.max(1, Math.min(threads, size / MIN_CHUNK));
        int from = 0;
        for (int chunk = 0; chunk < chunks; chunk++) {
            int to = from + (size - from) / (chunks - chunk);
            List<Runnable> part = tasks.subList(from, to);
            pool.execute(part.size() == 1 ? part.get(0) : () -> runAll(part));
            from = to;
        }
    }

    private static void runAll(List<Runnable> tasks) {
        for (Runnable task : tasks) {
            try {
                task.run();
            } catch (RuntimeException e) {
                // One connection's failure must not keep the others in the chunk from being written.
                LOG.log(Level.WARNING, "starting a write failed", e);
            }
        }
    }
}

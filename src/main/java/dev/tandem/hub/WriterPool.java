package dev.tandem.hub;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The threads that start writes to connections (the {@link Outbox} write chains).
 *
 * <p>A publish starts up to one write chain per subscriber. Handing each one to a pool thread costs a
 * queue operation and a thread wake-up per subscriber: at 200 subscribers × 200 msg/s that hand-off was
 * a large share of the fan-out's CPU and latency (bench/PROFILING.md, "Fan-out latency, session 9",
 * item 2). Inside {@link #batched}, the chains started on the calling thread for sinks that never block
 * are collected and started together when the work is done: split evenly into at most {@code threads}
 * chunks of at least {@link #MIN_CHUNK}, the first started on the calling thread itself, the others as
 * one pool task each. Starting such a chain only starts an asynchronous send, so one thread serves many
 * connections without holding any of them up. A chain whose sink names a thread of its own to write
 * from (Undertow's I/O thread, where a send is written at once instead of queued for that thread)
 * starts there, one task per such thread and batch. A chain whose sink may block (one that writes synchronously)
 * always gets a pool task of its own, so a slow reader holds up nobody else.
 */
public final class WriterPool implements Executor {
    /** Fewer chains than this share one thread: a wake-up costs more than starting a few sends. */
    static final int MIN_CHUNK = 16;
    private static final Logger LOG = Logger.getLogger(WriterPool.class.getName());

    private final Executor pool;
    private final int threads;
    private final ThreadLocal<Batch> collecting = new ThreadLocal<>();

    /** The chains one batch collected: for anywhere, and per write thread. */
    private static final class Batch {
        final List<Runnable> anywhere = new ArrayList<>();
        Map<Executor, List<Runnable>> byThread;
    }

    /** {@code threads}: how many threads one batch is spread over at most (the pool's thread count). */
    public WriterPool(Executor pool, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        this.pool = pool;
        this.threads = threads;
    }

    /** Runs every task on the calling thread (tests, tools). */
    public static WriterPool direct() {
        return new WriterPool(Runnable::run, 1);
    }

    /** Runs {@code task} on a pool thread of its own. */
    @Override
    public void execute(Runnable task) {
        pool.execute(task);
    }

    /**
     * Starts a write chain. When {@code neverBlocks}: on {@code writeThread} if given, else anywhere; inside
     * {@link #batched} on this thread, with the batch. Otherwise on a pool thread of its own.
     */
    public void startWrites(Runnable chain, boolean neverBlocks, Executor writeThread) {
        Batch batch = neverBlocks ? collecting.get() : null;
        if (batch == null) {
            execute(chain, neverBlocks ? writeThread : null);
        } else if (writeThread == null) {
            batch.anywhere.add(chain);
        } else {
            if (batch.byThread == null) {
                batch.byThread = new IdentityHashMap<>();
            }
            batch.byThread.computeIfAbsent(writeThread, thread -> new ArrayList<>()).add(chain);
        }
    }

    /**
     * Runs {@code work}, collecting the non-blocking write chains it starts, and starts them when it
     * returns (or throws). Nested calls join the outer batch.
     */
    public <T> T batched(Supplier<T> work) {
        if (collecting.get() != null) {
            return work.get();
        }
        Batch batch = new Batch();
        collecting.set(batch);
        try {
            return work.get();
        } finally {
            collecting.remove();
            if (batch.byThread != null) {
                batch.byThread.forEach((thread, chains) -> execute(() -> runAll(chains), thread));
            }
            startAnywhere(batch.anywhere);
        }
    }

    /** Runs {@code task} on {@code thread}, or on the pool when there is none or it takes no more tasks. */
    private void execute(Runnable task, Executor thread) {
        if (thread != null) {
            try {
                thread.execute(task);
                return;
            } catch (RejectedExecutionException shuttingDown) {
                // the container is stopping that thread: write from ours
            }
        }
        pool.execute(task);
    }

    private void startAnywhere(List<Runnable> chains) {
        int size = chains.size();
        if (size == 0) {
            return;
        }
        int chunks = Math.max(1, Math.min(threads, size / MIN_CHUNK));
        int firstEnd = size / chunks;
        int from = firstEnd;
        for (int chunk = 1; chunk < chunks; chunk++) {
            int to = from + (size - from) / (chunks - chunk);
            List<Runnable> part = chains.subList(from, to);
            pool.execute(() -> runAll(part));
            from = to;
        }
        runAll(chains.subList(0, firstEnd));
    }

    private static void runAll(List<Runnable> chains) {
        for (Runnable chain : chains) {
            try {
                chain.run();
            } catch (RuntimeException e) {
                // One connection's failure must not keep the others in the chunk from being written.
                LOG.log(Level.WARNING, "starting a write failed", e);
            }
        }
    }
}

package dev.tandem.hub;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The write side of an {@link Outbox}: the sink it writes to, and the chain of writes to that sink,
 * one at a time and never under the lock. Each write is, first come first: the farewell, the
 * greeting, a {@link ReliableBatch}, or one lossy frame (only when no reliable frame waits).
 *
 * <p>Shares the outbox's lock, which guards this state as well as the {@link OutboxLanes}; methods
 * whose names end in {@code Locked} expect the caller to hold it.
 */
final class WriteChain {
    private final ReentrantLock lock;
    private final OutboxLanes lanes;
    private final WriterPool writer;
    private final Outbox.Listener listener;
    private Outbox.Sink sink;
    private String greeting;
    private long greetingPosition;
    private String farewell;
    private Runnable afterFarewell;
    /** The sink a write chain currently runs for (null: none). A new sink starts its own chain, so a
     *  write stuck on a dead connection never holds up the connection that replaced it. */
    private Outbox.Sink drainingFor;
    /** The sink a write was handed to and has not completed yet (null: none). */
    private Outbox.Sink writingTo;
    /** What waits for the write in flight to a detached sink, per sink (null until the first one). A
     *  session resumed twice in a row may have two. */
    private Map<Outbox.Sink, Runnable> idleWaiters;

    WriteChain(ReentrantLock lock, OutboxLanes lanes, WriterPool writer, Outbox.Listener listener) {
        this.lock = lock;
        this.lanes = lanes;
        this.writer = writer;
        this.listener = listener;
    }

    /** As {@link Outbox#attach(Outbox.Sink, String, long, CompletionStage)}. */
    void attach(Outbox.Sink newSink, String greetingText, long greetingPosition, CompletionStage<?> notBefore) {
        Outbox.Sink start;
        Runnable unsentFarewell;
        lock.lock();
        try {
            // A farewell still waiting for the old connection will never be written to the new one.
            unsentFarewell = afterFarewell;
            farewell = null;
            afterFarewell = null;
            sink = newSink;
            greeting = greetingText;
            this.greetingPosition = greetingPosition;
            start = startDrainLocked();
        } finally {
            lock.unlock();
        }
        if (unsentFarewell != null) {
            unsentFarewell.run();
        }
        if (start != null && notBefore != null && !isDoneNormally(notBefore)) {
            // The chain is claimed: frames offered meanwhile wait for it instead of starting another one.
            notBefore.whenComplete((ignored, error) -> startDrain(start));
        } else {
            startDrain(start);
        }
    }

    /** As {@link Outbox#finish}. */
    void finish(Outbox.Sink target, String text, Runnable after) {
        Outbox.Sink start = null;
        boolean gone;
        lock.lock();
        try {
            gone = sink != target;
            if (!gone) {
                farewell = text;
                afterFarewell = after;
                start = startDrainLocked();
            }
        } finally {
            lock.unlock();
        }
        if (gone) {
            after.run();
        } else {
            startDrain(start);
        }
    }

    /** As {@link Outbox#detach(Outbox.Sink, Runnable)}. */
    void detach(Outbox.Sink oldSink, Runnable afterWriteInFlight) {
        boolean idle;
        lock.lock();
        try {
            if (sink == oldSink) {
                sink = null;
            }
            idle = writingTo != oldSink;
            if (!idle && afterWriteInFlight != null) {
                if (idleWaiters == null) {
                    idleWaiters = new IdentityHashMap<>(4);
                }
                idleWaiters.put(oldSink, afterWriteInFlight);
            }
        } finally {
            lock.unlock();
        }
        if (idle && afterWriteInFlight != null) {
            afterWriteInFlight.run();
        }
    }

    /** Records, under the lock, that the write to {@code target} is over; returns what waited for it. */
    private Runnable writeOverLocked(Outbox.Sink target) {
        if (writingTo == target) {
            writingTo = null;
        }
        return idleWaiters == null ? null : idleWaiters.remove(target);
    }

    private static void runIfAny(Runnable action) {
        if (action != null) {
            action.run();
        }
    }

    /**
     * Claims the current sink for a new write chain; null when there is none or it has one already.
     * Pass the result to {@link #startDrain} once the lock is released.
     */
    Outbox.Sink startDrainLocked() {
        if (sink == null || drainingFor == sink) {
            return null;
        }
        drainingFor = sink;
        return sink;
    }

    /** Starts the write chain claimed by {@link #startDrainLocked()}, if any, through the writer pool. */
    void startDrain(Outbox.Sink claimed) {
        if (claimed != null) {
            writer.startWrites(() -> drain(claimed), claimed.neverBlocks(), claimed.writeThread());
        }
    }

    /** What the drain writes next: text, the resume position it ends at, and whether it is reliable. */
    private record Next(Outbox.Sink target, String text, long position, boolean reliable, Runnable afterwards) {
    }

    private void drain(Outbox.Sink chain) {
        while (true) {
            Next next = takeNext(chain);
            if (next == null) {
                return;
            }
            CompletionStage<?> stage;
            try {
                stage = next.target().write(next.text(), next.position());
            } catch (RuntimeException | Error e) {
                // A write that never started must not leave the chain claimed (it would wedge the outbox),
                // nor skip what follows a farewell (closing the connection).
                failed(next.target(), e);
                runIfAny(next.afterwards());
                if (e instanceof Error error) {
                    throw error;
                }
                return;
            }
            if (next.afterwards() != null) {
                stage.whenComplete((ignored, error) -> {
                    lock.lock();
                    Runnable waiting;
                    try {
                        waiting = writeOverLocked(next.target());
                    } finally {
                        lock.unlock();
                    }
                    runIfAny(waiting);
                    next.afterwards().run();
                });
                return;
            }
            long writtenUpTo = next.reliable() ? next.position() : 0;
            if (isDoneNormally(stage)) {
                if (!completed(next.target(), writtenUpTo)) {
                    return;
                }
                continue;
            }
            // Continue on the thread that completed the write: no hand-off per write.
            stage.whenComplete((ignored, error) -> {
                if (error != null) {
                    failed(next.target(), error);
                } else if (completed(next.target(), writtenUpTo)) {
                    drain(chain);
                }
            });
            return;
        }
    }

    /**
     * Picks the next write under the lock: the farewell, the greeting, a batch of reliable frames (a
     * JSON array when more than one waits), or one lossy frame. Null when there is nothing to write.
     */
    private Next takeNext(Outbox.Sink chain) {
        ReliableBatch batch;
        Outbox.Sink target;
        lock.lock();
        try {
            target = sink;
            if (target != chain) {
                if (drainingFor == chain) {
                    drainingFor = null;
                }
                return null;
            }
            if (farewell != null) {
                Next next = new Next(target, farewell, -1, false, afterFarewell);
                farewell = null;
                afterFarewell = null;
                sink = null;
                drainingFor = null;
                writingTo = target;
                return next;
            }
            if (greeting != null) {
                Next next = new Next(target, greeting, greetingPosition, false, null);
                greeting = null;
                writingTo = target;
                return next;
            }
            batch = lanes.nextBatch();
            if (batch == null) {
                String lossy = lanes.pollLossy();
                if (lossy != null) {
                    writingTo = target;
                    return new Next(target, lossy, -1, false, null);
                }
                drainingFor = null;
                return null;
            }
            writingTo = target;
        } finally {
            lock.unlock();
        }
        return new Next(target, batch.text(), batch.lastPosition(), true, null);
    }

    /** Records a finished write; false when the sink was replaced meanwhile (the drain for it stops). */
    private boolean completed(Outbox.Sink target, long upTo) {
        Runnable waiting;
        boolean current;
        boolean roomForEvents = false;
        lock.lock();
        try {
            waiting = writeOverLocked(target);
            current = sink == target;
            if (current) {
                lanes.markWritten(upTo);
                roomForEvents = lanes.takeRoomNotice();
            }
            // Otherwise the connection was replaced meanwhile; the new one has a write chain of its own.
        } finally {
            lock.unlock();
        }
        runIfAny(waiting);
        if (roomForEvents) {
            listener.onRoomForEvents();
        }
        return current;
    }

    private void failed(Outbox.Sink target, Throwable error) {
        boolean current;
        Runnable waiting;
        lock.lock();
        try {
            waiting = writeOverLocked(target);
            current = sink == target;
            if (current) {
                sink = null;
            }
            if (drainingFor == target) {
                drainingFor = null;
            }
        } finally {
            lock.unlock();
        }
        runIfAny(waiting);
        if (current) {
            listener.onSinkFailed(target, error);
        }
    }

    private static boolean isDoneNormally(CompletionStage<?> stage) {
        if (stage instanceof CompletableFuture<?> future) {
            return future.isDone() && !future.isCompletedExceptionally();
        }
        return false;
    }
}

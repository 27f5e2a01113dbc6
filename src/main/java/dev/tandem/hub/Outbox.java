package dev.tandem.hub;

import dev.tandem.protocol.Frames;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The frames waiting for one session's connection, in two lanes.
 * <ul>
 *   <li>Reliable: every frame gets a position (1, 2, 3...) and is written in order. It is bounded by
 *   frames and bytes waiting to be written; past either bound the outbox overflows, takes no more frames
 *   and tells its {@link Listener}. Topic events ({@link #offerEvent}) are refused at three quarters of
 *   the bounds instead, and the listener hears when there is room again, so they never overflow it. The last {@code replayFrames} written frames are kept, so a client
 *   that lost its connection resumes from the last position it saw.</li>
 *   <li>Lossy: the latest frame per key (cursors, presence, heartbeats) is written only when no
 *   reliable frame is waiting, so it can never delay reliable traffic.</li>
 * </ul>
 * Writes happen one at a time per connection, never under a lock held by a publisher; frames that
 * waited together go out as one JSON array, so a busy connection costs one send per batch, not per frame.
 *
 * <p>One lock guards everything; the lanes' bookkeeping is in {@link OutboxLanes}, the writing in
 * {@link WriteChain}, the batching in {@link ReliableBatch}.
 */
public final class Outbox {

    /** The transport side: starts a write and completes when it is done. */
    public interface Sink {
        /** {@code position} is the resume position after this frame, or -1 for lossy frames (no position). */
        CompletionStage<?> write(String text, long position);

        /**
         * True when {@link #write} only starts the write and returns at once, whatever the peer does
         * (asynchronous WebSocket sends); false when it may block until the peer reads.
         */
        default boolean neverBlocks() {
            return false;
        }

        /**
         * Where writes to this sink should start, when the container writes at once only from one
         * thread (Undertow: the connection's I/O thread); null for anywhere. Used only when
         * {@link #neverBlocks()}.
         */
        default Executor writeThread() {
            return null;
        }
    }

    /** Told (outside any lock) when the outbox overflows, a sink fails, or there is room for events again. */
    public interface Listener {
        void onOverflow();

        void onSinkFailed(Sink sink, Throwable error);

        /** An event was refused ({@link #offerEvent}) and the frames waiting are down to a quarter of the bounds. */
        default void onRoomForEvents() {
        }
    }

    private final Listener listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final OutboxLanes lanes;
    private final WriteChain chain;

    public Outbox(int maxFrames, long maxBytes, int replayFrames, WriterPool writer, Listener listener) {
        this.listener = listener;
        this.lanes = new OutboxLanes(maxFrames, maxBytes, replayFrames);
        this.chain = new WriteChain(lock, lanes, writer, listener);
    }

    /** Queues a reliable frame; returns its position, or 0 when the outbox has overflowed and dropped it. */
    public long offer(String text, int bytes) {
        return offer(new Outgoing(text, bytes, null, null, 0));
    }

    /** Queues a reliable frame, remembering its topic position; returns as {@link #offer(String, int)}. */
    public long offer(Outgoing frame) {
        return enqueue(frame, false);
    }

    /**
     * Queues a topic event if fewer than three quarters of the bounds are waiting: returns its position;
     * -1 when there is no room (the {@link Listener} hears when there is); 0 when the outbox has overflowed.
     * So topic events never overflow the outbox: their subscriber catches up from the topic's history.
     */
    public long offerEvent(Outgoing event) {
        return enqueue(event, true);
    }

    private long enqueue(Outgoing frame, boolean refusedWithoutRoom) {
        boolean overflowNow;
        Sink start;
        long position;
        lock.lock();
        try {
            if (lanes.isOverflowed()) {
                return 0;
            }
            if (refusedWithoutRoom && !lanes.admitsEvent(frame.bytes())) {
                return -1;
            }
            position = lanes.add(frame);
            overflowNow = lanes.isOverflowed();
            start = chain.startDrainLocked();
        } finally {
            lock.unlock();
        }
        chain.startDrain(start);
        if (overflowNow) {
            listener.onOverflow();
        }
        return position;
    }

    /** Replaces the lossy frame under {@code key}; dropped silently when too many keys are waiting. */
    public void offerLossy(String key, String text) {
        Sink start;
        lock.lock();
        try {
            if (!lanes.putLossy(key, text)) {
                return;
            }
            start = chain.startDrainLocked();
        } finally {
            lock.unlock();
        }
        chain.startDrain(start);
    }

    /**
     * Starts writing to {@code newSink}: first {@code greetingText} (not queued, written with
     * {@code greetingPosition}), then from the first unwritten frame.
     */
    public void attach(Sink newSink, String greetingText, long greetingPosition) {
        chain.attach(newSink, greetingText, greetingPosition, null);
    }

    /**
     * As {@link #attach(Sink, String, long)}, but nothing is written before {@code notBefore} completes
     * (normally or not): writes the transport issued to the sink itself before the outbox had it.
     */
    public void attach(Sink newSink, String greetingText, long greetingPosition, CompletionStage<?> notBefore) {
        chain.attach(newSink, greetingText, greetingPosition, notBefore);
    }

    /**
     * Rewinds so the next frame written is the one after {@code lastSeen}. Returns false, changing
     * nothing, when frames after it are no longer kept.
     */
    public boolean rewindTo(long lastSeen) {
        lock.lock();
        try {
            return lanes.rewindTo(lastSeen);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes {@code text} to {@code target} as soon as the write in flight (if any) is done, ahead of
     * queued frames, then detaches it and runs {@code after}. Queued frames stay for a resume.
     */
    public void finish(Sink target, String text, Runnable after) {
        chain.finish(target, text, after);
    }

    /**
     * For each topic with a frame waiting to be written: the position just before its first waiting
     * frame, i.e. where a client that saw everything written so far stands in that topic.
     */
    public Map<String, Frames.Position> positionsBeforeQueued() {
        lock.lock();
        try {
            return lanes.positionsBeforeQueued();
        } finally {
            lock.unlock();
        }
    }

    /** Drops every queued and kept frame; positions continue from where they were. */
    public void discardQueued() {
        lock.lock();
        try {
            lanes.discardQueued();
        } finally {
            lock.unlock();
        }
    }

    /** Position of the oldest frame still waiting to be written, or of the next frame when none waits. */
    public long firstQueuedPosition() {
        lock.lock();
        try {
            return lanes.firstQueuedPosition();
        } finally {
            lock.unlock();
        }
    }

    /** Stops writing; frames stay queued for a later {@link #attach}. */
    public void detach(Sink oldSink) {
        chain.detach(oldSink, null);
    }

    /**
     * Stops writing to {@code oldSink}, then runs {@code afterWriteInFlight} once the write in flight to it
     * (if any) is done, at once when none is: the detached connection may then be written to directly (a
     * farewell) without two writes in flight on it.
     */
    public void detach(Sink oldSink, Runnable afterWriteInFlight) {
        chain.detach(oldSink, afterWriteInFlight);
    }

    /** Accepts frames again after an overflow; the caller re-establishes what was dropped. */
    public void clearOverflow() {
        lock.lock();
        try {
            lanes.clearOverflow();
        } finally {
            lock.unlock();
        }
    }

    /** Whether fewer than three quarters of the bounds wait, so that topic events are taken. */
    public boolean hasRoomForEvents() {
        lock.lock();
        try {
            return lanes.hasRoomForEvents();
        } finally {
            lock.unlock();
        }
    }

    public boolean isOverflowed() {
        lock.lock();
        try {
            return lanes.isOverflowed();
        } finally {
            lock.unlock();
        }
    }

    /** Position of the newest reliable frame queued (0 before the first). */
    public long lastPosition() {
        lock.lock();
        try {
            return lanes.lastPosition();
        } finally {
            lock.unlock();
        }
    }

    /** The room left for topic events (three quarters of the bounds, less what waits): what a snapshot may fill. */
    public Subscriber.ReplayBudget replayBudget() {
        lock.lock();
        try {
            return lanes.replayBudget();
        } finally {
            lock.unlock();
        }
    }

    public int pendingFrames() {
        lock.lock();
        try {
            return lanes.pendingFrames();
        } finally {
            lock.unlock();
        }
    }
}

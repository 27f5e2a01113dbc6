package dev.tandem.hub;

import java.util.ArrayDeque;
import dev.tandem.protocol.Frames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The frames waiting for one session's connection, in two lanes.
 * <ul>
 *   <li>Reliable: every frame gets a position (1, 2, 3...) and is written in order. It is bounded by
 *   frames and bytes waiting to be written; past either bound the outbox overflows, takes no more frames
 *   and tells its {@link Listener}. The last {@code replayFrames} written frames are kept, so a client
 *   that lost its connection resumes from the last position it saw.</li>
 *   <li>Lossy: the latest frame per key (cursors, presence, heartbeats) is written only when no
 *   reliable frame is waiting, so it can never delay reliable traffic.</li>
 * </ul>
 * Writes happen one at a time per connection, never under a lock held by a publisher; frames that
 * waited together go out as one JSON array, so a busy connection costs one send per batch, not per frame.
 */
public final class Outbox {

    /** The transport side: starts a write and completes when it is done. */
    public interface Sink {
        /** {@code position} is the resume position after this frame, or -1 for lossy frames (no position). */
        CompletionStage<?> write(String text, long position);
    }

    /** Told (outside any lock) when the outbox overflows or a sink fails. */
    public interface Listener {
        void onOverflow();

        void onSinkFailed(Sink sink, Throwable error);
    }

    /** A queued reliable frame; {@code topic}, {@code epoch} and {@code seq} are set for topic events and snapshots. */
    private record Entry(long position, String text, int bytes, String topic, String epoch, long seq) {
    }

    private static final int MAX_LOSSY_KEYS = 256;
    /** Under load, frames waiting together are written as one JSON array: one send instead of many. */
    static final int MAX_BATCH_FRAMES = 64;
    static final int MAX_BATCH_BYTES = 64 * 1024;

    private final int maxFrames;
    private final long maxBytes;
    private final int replayFrames;
    private final Executor writer;
    private final Listener listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Entry> pending = new ArrayDeque<>(4);
    private final ArrayDeque<Entry> written = new ArrayDeque<>(4);
    private Map<String, String> lossy;
    private long nextPosition = 1;
    private long pendingBytes;
    private Sink sink;
    private String greeting;
    private long greetingPosition;
    private String farewell;
    private Runnable afterFarewell;
    /** The sink a write chain currently runs for (null: none). A new sink starts its own chain, so a
     *  write stuck on a dead connection never holds up the connection that replaced it. */
    private Sink drainingFor;
    private boolean overflowed;

    public Outbox(int maxFrames, long maxBytes, int replayFrames, Executor writer, Listener listener) {
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
        this.replayFrames = replayFrames;
        this.writer = writer;
        this.listener = listener;
    }

    /** Queues a reliable frame; returns its position, or 0 when the outbox has overflowed and dropped it. */
    public long offer(String text, int bytes) {
        return offer(new Outgoing(text, bytes, null, null, 0));
    }

    /** Queues a reliable frame, remembering its topic position; returns as {@link #offer(String, int)}. */
    public long offer(Outgoing frame) {
        String text = frame.text();
        int bytes = frame.bytes();
        boolean overflowNow = false;
        Sink start;
        long position;
        lock.lock();
        try {
            if (overflowed) {
                return 0;
            }
            position = nextPosition++;
            pending.addLast(new Entry(position, text, bytes, frame.topic(), frame.epoch(), frame.seq()));
            pendingBytes += bytes;
            // A single frame larger than the byte bound still goes out when nothing else waits.
            if (pending.size() > maxFrames || pendingBytes > maxBytes && pending.size() > 1) {
                overflowed = true;
                overflowNow = true;
            }
            start = startDrainLocked();
        } finally {
            lock.unlock();
        }
        if (start != null) {
            writer.execute(drainFor(start));
        }
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
            if (lossy == null) {
                lossy = new LinkedHashMap<>();
            }
            if (lossy.size() >= MAX_LOSSY_KEYS && !lossy.containsKey(key)) {
                return;
            }
            lossy.put(key, text);
            start = startDrainLocked();
        } finally {
            lock.unlock();
        }
        if (start != null) {
            writer.execute(drainFor(start));
        }
    }

    /**
     * Starts writing to {@code newSink}: first {@code greetingText} (not queued, written with
     * {@code greetingPosition}), then from the first unwritten frame.
     */
    public void attach(Sink newSink, String greetingText, long greetingPosition) {
        Sink start;
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
        if (start != null) {
            writer.execute(drainFor(start));
        }
    }

    /**
     * Rewinds so the next frame written is the one after {@code lastSeen}. Returns false, changing
     * nothing, when frames after it are no longer kept.
     */
    public boolean rewindTo(long lastSeen) {
        lock.lock();
        try {
            long newest = nextPosition - 1;
            long oldestKept = !written.isEmpty() ? written.peekFirst().position()
                    : !pending.isEmpty() ? pending.peekFirst().position() : nextPosition;
            if (lastSeen > newest || lastSeen + 1 < oldestKept) {
                return false;
            }
            while (!written.isEmpty() && written.peekLast().position() > lastSeen) {
                Entry entry = written.pollLast();
                pending.addFirst(entry);
                pendingBytes += entry.bytes();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes {@code text} to {@code target} as soon as the write in flight (if any) is done, ahead of
     * queued frames, then detaches it and runs {@code after}. Queued frames stay for a resume.
     */
    public void finish(Sink target, String text, Runnable after) {
        Sink start = null;
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
        } else if (start != null) {
            writer.execute(drainFor(start));
        }
    }

    /**
     * For each topic with a frame waiting to be written: the position just before its first waiting
     * frame, i.e. where a client that saw everything written so far stands in that topic.
     */
    public Map<String, Frames.Position> positionsBeforeQueued() {
        lock.lock();
        try {
            Map<String, Frames.Position> positions = new HashMap<>();
            for (Entry entry : pending) {
                if (entry.topic() != null) {
                    positions.putIfAbsent(entry.topic(), new Frames.Position(entry.epoch(), entry.seq() - 1));
                }
            }
            return positions;
        } finally {
            lock.unlock();
        }
    }

    /** Drops every queued and kept frame; positions continue from where they were. */
    public void discardQueued() {
        lock.lock();
        try {
            pending.clear();
            written.clear();
            pendingBytes = 0;
        } finally {
            lock.unlock();
        }
    }

    /** Position of the oldest frame still waiting to be written, or of the next frame when none waits. */
    public long firstQueuedPosition() {
        lock.lock();
        try {
            return pending.isEmpty() ? nextPosition : pending.peekFirst().position();
        } finally {
            lock.unlock();
        }
    }

    /** Stops writing; frames stay queued for a later {@link #attach}. */
    public void detach(Sink oldSink) {
        lock.lock();
        try {
            if (sink == oldSink) {
                sink = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Accepts frames again after an overflow; the caller re-establishes what was dropped. */
    public void clearOverflow() {
        lock.lock();
        try {
            overflowed = false;
        } finally {
            lock.unlock();
        }
    }

    public boolean isOverflowed() {
        lock.lock();
        try {
            return overflowed;
        } finally {
            lock.unlock();
        }
    }

    /** Position of the newest reliable frame queued (0 before the first). */
    public long lastPosition() {
        lock.lock();
        try {
            return nextPosition - 1;
        } finally {
            lock.unlock();
        }
    }

    /** Three quarters of the room left before overflow: what a replay may fill, leaving room for live frames. */
    public Subscriber.ReplayBudget replayBudget() {
        lock.lock();
        try {
            return new Subscriber.ReplayBudget((int) Math.max(0, (maxFrames - pending.size()) * 3L / 4),
                    Math.max(0, (maxBytes - pendingBytes) * 3 / 4));
        } finally {
            lock.unlock();
        }
    }

    public int pendingFrames() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    /** Claims the current sink for a new write chain; null when there is none or it has one already. */
    private Sink startDrainLocked() {
        if (sink == null || drainingFor == sink) {
            return null;
        }
        drainingFor = sink;
        return sink;
    }

    private Runnable drainFor(Sink chain) {
        return () -> drain(chain);
    }

    /** What the drain writes next: text, the resume position it ends at, and whether it is reliable. */
    private record Next(Sink target, String text, long position, boolean reliable, Runnable afterwards) {
    }

    private void drain(Sink chain) {
        while (true) {
            Next next = takeNext(chain);
            if (next == null) {
                return;
            }
            CompletionStage<?> stage;
            try {
                stage = next.target().write(next.text(), next.position());
            } catch (RuntimeException e) {
                failed(next.target(), e);
                return;
            }
            if (next.afterwards() != null) {
                stage.whenComplete((ignored, error) -> next.afterwards().run());
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
    private Next takeNext(Sink chain) {
        List<String> batch;
        long lastPosition;
        Sink target;
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
                return next;
            }
            if (greeting != null) {
                Next next = new Next(target, greeting, greetingPosition, false, null);
                greeting = null;
                return next;
            }
            if (pending.isEmpty()) {
                if (lossy != null && !lossy.isEmpty()) {
                    Iterator<String> first = lossy.values().iterator();
                    String text = first.next();
                    first.remove();
                    return new Next(target, text, -1, false, null);
                }
                drainingFor = null;
                return null;
            }
            batch = new ArrayList<>(Math.min(pending.size(), MAX_BATCH_FRAMES));
            long bytes = 0;
            lastPosition = 0;
            for (Entry entry : pending) {
                if (batch.size() == MAX_BATCH_FRAMES || (!batch.isEmpty() && bytes + entry.bytes() > MAX_BATCH_BYTES)) {
                    break;
                }
                batch.add(entry.text());
                bytes += entry.bytes();
                lastPosition = entry.position();
            }
        } finally {
            lock.unlock();
        }
        String text = batch.size() == 1 ? batch.get(0) : "[" + String.join(",", batch) + "]";
        return new Next(target, text, lastPosition, true, null);
    }

    /** Records a finished write; false when the sink was replaced meanwhile (the drain for it stops). */
    private boolean completed(Sink target, long upTo) {
        lock.lock();
        try {
            if (sink != target) {
                // The connection was replaced meanwhile; the new one has a write chain of its own.
                return false;
            }
            while (upTo > 0 && !pending.isEmpty() && pending.peekFirst().position() <= upTo) {
                Entry entry = pending.pollFirst();
                pendingBytes -= entry.bytes();
                written.addLast(entry);
            }
            while (written.size() > replayFrames) {
                written.pollFirst();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void failed(Sink target, Throwable error) {
        boolean current;
        lock.lock();
        try {
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

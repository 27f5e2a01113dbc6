package dev.tandem.hub;

import dev.tandem.protocol.Frames;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bookkeeping of an {@link Outbox}'s two lanes. Not thread-safe: the outbox calls it only under
 * its lock.
 * <ul>
 *   <li>Reliable: frames waiting to be written, each under the next position, bounded by frames and
 *   bytes (past either bound the lanes overflow and the outbox takes no more frames); and the last
 *   {@code replayFrames} written frames (and at most the byte bound of them), kept so that a resuming client
 *   can be rewound to them.</li>
 *   <li>Positions are consecutive: the kept frames come right before the waiting ones, and the newest
 *   waiting frame has the position last given out. So the lanes hold the publish's own {@link Outgoing},
 *   shared by every subscriber, and no per-subscriber object per frame: with 200 subscribers keeping
 *   1,000 frames each, per-frame wrappers were 200,000 objects that every young collection copied
 *   (bench/PROFILING.md, "Fan-out latency, session 9", item 3).</li>
 *   <li>Lossy: the latest frame per key, for at most {@value #MAX_LOSSY_KEYS} keys.</li>
 * </ul>
 */
final class OutboxLanes {
    private static final int MAX_LOSSY_KEYS = 256;

    private final int maxFrames;
    private final long maxBytes;
    /** Topic events are taken while fewer than these wait (three quarters of the bounds): the rest is room
     *  for the frames that are never refused (acks, errors, document sync), so events never overflow. */
    private final int eventFrames;
    private final long eventBytes;
    /** An event was refused; its subscriber is told when the waiting frames are down to a quarter. */
    private boolean eventsWaitingForRoom;
    private final int replayFrames;
    private final ArrayDeque<Outgoing> pending = new ArrayDeque<>(4);
    private final ArrayDeque<Outgoing> written = new ArrayDeque<>(4);
    private Map<String, String> lossy;
    private long nextPosition = 1;
    private long pendingBytes;
    /** Bytes of the kept (written) frames: bounded like the waiting ones, so large document frames are not kept long. */
    private long writtenBytes;
    private boolean overflowed;

    OutboxLanes(int maxFrames, long maxBytes, int replayFrames) {
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
        this.eventFrames = Math.max(1, maxFrames * 3 / 4);
        this.eventBytes = Math.max(1, maxBytes * 3 / 4);
        this.replayFrames = replayFrames;
    }

    /**
     * What a frame weighs against the byte bound: its size, but at most half the bound. A document snapshot
     * may be far larger than the bound (up to the document's size) and is followed at once by its ack:
     * counted in full, the two would overflow the outbox on every subscribe, and the client would reconnect
     * and subscribe again forever. Its real size stays bounded by what one frame may be; two such frames
     * waiting at once still weigh the whole bound, and a third overflows.
     */
    private long weight(long bytes) {
        return Math.min(bytes, Math.max(1, maxBytes / 2));
    }

    /**
     * Queues a reliable frame under the next position and returns that position. When this passes
     * a bound, the lanes are overflowed from now on; the caller checks {@link #isOverflowed()} first.
     */
    long add(Outgoing frame) {
        long position = nextPosition++;
        pending.addLast(frame);
        pendingBytes += weight(frame.bytes());
        // A single frame larger than the byte bound still goes out when nothing else waits.
        if (pending.size() > maxFrames || pendingBytes > maxBytes && pending.size() > 1) {
            overflowed = true;
        }
        return position;
    }

    /**
     * Whether a topic event of {@code bytes} may be queued now; when not, remembers that an event is waiting
     * for room ({@link #takeRoomNotice}). A single event larger than the room still goes when nothing waits.
     */
    boolean admitsEvent(int bytes) {
        if (pending.isEmpty() || pending.size() < eventFrames && pendingBytes + weight(bytes) <= eventBytes) {
            return true;
        }
        eventsWaitingForRoom = true;
        return false;
    }

    /** Whether fewer than three quarters of the bounds wait. */
    boolean hasRoomForEvents() {
        return pending.size() < eventFrames && pendingBytes < eventBytes;
    }

    /** True, once, when an event was refused and the waiting frames are down to a quarter of the bounds. */
    boolean takeRoomNotice() {
        if (eventsWaitingForRoom && pending.size() <= maxFrames / 4 && pendingBytes <= maxBytes / 4) {
            eventsWaitingForRoom = false;
            return true;
        }
        return false;
    }

    /** Replaces the lossy frame under {@code key}; false (dropped) when too many other keys are waiting. */
    boolean putLossy(String key, String text) {
        if (lossy == null) {
            lossy = new LinkedHashMap<>();
        }
        if (lossy.size() >= MAX_LOSSY_KEYS && !lossy.containsKey(key)) {
            return false;
        }
        lossy.put(key, text);
        return true;
    }

    /** The next reliable frames to write (they stay queued until {@link #markWritten}); null when none waits. */
    ReliableBatch nextBatch() {
        return pending.isEmpty() ? null : ReliableBatch.takeFrom(pending, firstPendingPosition());
    }

    /** Removes and returns the oldest waiting lossy frame; null when none waits. */
    String pollLossy() {
        if (lossy == null || lossy.isEmpty()) {
            return null;
        }
        Iterator<String> first = lossy.values().iterator();
        String text = first.next();
        first.remove();
        return text;
    }

    /** Moves the frames up to position {@code upTo} (0: none) to the kept ones, keeping at most {@code replayFrames}. */
    void markWritten(long upTo) {
        while (upTo > 0 && !pending.isEmpty() && firstPendingPosition() <= upTo) {
            Outgoing entry = pending.pollFirst();
            pendingBytes -= weight(entry.bytes());
            written.addLast(entry);
            writtenBytes += entry.bytes();
        }
        // At most replayFrames frames and maxBytes bytes are kept (the newest frame always): a resume from
        // before them starts over as after an overflow (history catch-up, fresh document snapshots).
        while (written.size() > replayFrames || writtenBytes > maxBytes && written.size() > 1) {
            writtenBytes -= written.pollFirst().bytes();
        }
    }

    /** As {@link Outbox#rewindTo}. */
    boolean rewindTo(long lastSeen) {
        long newest = nextPosition - 1;
        long oldestKept = firstPendingPosition() - written.size();
        if (lastSeen > newest || lastSeen + 1 < oldestKept) {
            return false;
        }
        // The client may have frames whose write the server saw fail or never saw complete (the bytes were
        // handed over before the connection ended): it says so, and they are not sent again.
        markWritten(lastSeen);
        while (!written.isEmpty() && firstPendingPosition() - 1 > lastSeen) {
            Outgoing entry = written.pollLast();
            writtenBytes -= entry.bytes();
            pending.addFirst(entry);
            pendingBytes += weight(entry.bytes());
        }
        return true;
    }

    /** As {@link Outbox#positionsBeforeQueued}. */
    Map<String, Frames.Position> positionsBeforeQueued() {
        Map<String, Frames.Position> positions = new HashMap<>();
        for (Outgoing entry : pending) {
            if (entry.topic() != null) {
                positions.putIfAbsent(entry.topic(), new Frames.Position(entry.epoch(), entry.seq() - 1));
            }
        }
        return positions;
    }

    /** Drops every waiting and kept reliable frame; positions continue from where they were. */
    void discardQueued() {
        pending.clear();
        written.clear();
        pendingBytes = 0;
        writtenBytes = 0;
    }

    long firstQueuedPosition() {
        return firstPendingPosition();
    }

    /** Position of the oldest waiting frame; the next position when none waits. */
    private long firstPendingPosition() {
        return nextPosition - pending.size();
    }

    long lastPosition() {
        return nextPosition - 1;
    }

    boolean isOverflowed() {
        return overflowed;
    }

    void clearOverflow() {
        overflowed = false;
    }

    /** As {@link Outbox#replayBudget}. */
    Subscriber.ReplayBudget replayBudget() {
        return new Subscriber.ReplayBudget(Math.max(0, eventFrames - pending.size()), Math.max(0, eventBytes - pendingBytes));
    }

    int pendingFrames() {
        return pending.size();
    }
}

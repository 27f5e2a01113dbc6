package dev.tandem.hub;

import java.util.ArrayList;
import java.util.List;

/**
 * A topic's newest events, oldest first. It always holds the newest {@code minEvents}; an older event stays
 * while it is younger than {@code retainMillis} and the events held weigh at most {@code maxBytes}, so a busy
 * topic keeps what a resuming session (retained for the session TTL) or a subscriber catching up needs, and
 * a quiet one keeps little. The older events of all topics together weigh at most a {@link Budget}: past it,
 * a topic keeps only its newest {@code minEvents} as it appends. Seqs are consecutive, so an event is found
 * by arithmetic, not by a scan. Not thread-safe: guarded by the topic lock.
 */
final class HistoryRing {
    private static final int INITIAL_SLOTS = 8;
    /** Per-event cost besides the frames' characters: the record, its strings' headers, the slot. */
    private static final int EVENT_OVERHEAD_BYTES = 96;

    private final int minEvents;
    private final long retainMillis;
    private final long maxBytes;
    private final Budget budget;
    private StoredEvent[] slots = new StoredEvent[INITIAL_SLOTS];
    private int start;
    private int size;
    private long bytes;

    /** Exactly the newest {@code capacity} events. */
    HistoryRing(int capacity) {
        this(capacity, 0, 0, new Budget(Long.MAX_VALUE));
    }

    /** What the histories of all topics may weigh together, beyond each one's {@code minEvents}. Thread-safe. */
    static final class Budget {
        private final long maxBytes;
        private final java.util.concurrent.atomic.AtomicLong used = new java.util.concurrent.atomic.AtomicLong();

        Budget(long maxBytes) {
            this.maxBytes = maxBytes;
        }

        boolean exceeded() {
            return used.get() > maxBytes;
        }

        long used() {
            return used.get();
        }
    }

    HistoryRing(int minEvents, long retainMillis, long maxBytes, Budget budget) {
        if (minEvents < 1) {
            throw new IllegalArgumentException("history must keep at least one event");
        }
        this.minEvents = minEvents;
        this.retainMillis = retainMillis;
        this.maxBytes = maxBytes;
        this.budget = budget;
    }

    /** Appends the newest event, published at {@code now}; returns whether older events were let go. */
    boolean append(StoredEvent event, long now) {
        if (size == slots.length) {
            resize(slots.length * 2);
        }
        slots[(start + size) % slots.length] = event;
        size++;
        long added = weight(event);
        bytes += added;
        budget.used.addAndGet(added);
        boolean evicted = false;
        while (size > minEvents && (bytes > maxBytes || slots[start].ts() < now - retainMillis || budget.exceeded())) {
            long removed = weight(slots[start]);
            bytes -= removed;
            budget.used.addAndGet(-removed);
            slots[start] = null;
            start = (start + 1) % slots.length;
            size--;
            evicted = true;
        }
        if (evicted && slots.length > 64 && size < slots.length / 4) {
            resize(slots.length / 2);
        }
        return evicted;
    }

    /** Lets go of every event, giving their bytes back to the budget. */
    void clear() {
        budget.used.addAndGet(-bytes);
        bytes = 0;
        slots = new StoredEvent[INITIAL_SLOTS];
        start = 0;
        size = 0;
    }

    /** Seq of the oldest event still held, or 0 when empty. */
    long oldestSeq() {
        return size == 0 ? 0 : slots[start].seq();
    }

    int size() {
        return size;
    }

    /** What the events held weigh, roughly, in bytes. */
    long bytes() {
        return bytes;
    }

    /** Whether the event right after {@code seq} is still held (or none has been published after it). */
    boolean holdsAfter(long seq) {
        return size == 0 || oldestSeq() <= seq + 1;
    }

    /** Events with seq greater than {@code seq}, oldest first, at most {@code limit}. */
    List<StoredEvent> after(long seq, int limit) {
        int from = firstIndexAfter(seq);
        int n = Math.max(0, Math.min(limit, size - from));
        List<StoredEvent> result = new ArrayList<>(n);
        for (int i = from; i < from + n; i++) {
            result.add(at(i));
        }
        return result;
    }

    /** The event right after {@code seq}, or null when it is not held. */
    StoredEvent next(long seq) {
        int index = firstIndexAfter(seq);
        return index < size && at(index).seq() == seq + 1 ? at(index) : null;
    }

    /** The newest {@code count} events, oldest first. */
    List<StoredEvent> last(int count) {
        int n = Math.min(count, size);
        List<StoredEvent> result = new ArrayList<>(n);
        for (int i = size - n; i < size; i++) {
            result.add(at(i));
        }
        return result;
    }

    /** The event {@code index} places before the newest (0 = the newest). */
    StoredEvent newest(int index) {
        return at(size - 1 - index);
    }

    private int firstIndexAfter(long seq) {
        if (size == 0) {
            return 0;
        }
        long index = seq + 1 - oldestSeq();
        return (int) Math.max(0, Math.min(size, index));
    }

    private StoredEvent at(int index) {
        return slots[(start + index) % slots.length];
    }

    private void resize(int length) {
        StoredEvent[] resized = new StoredEvent[length];
        for (int i = 0; i < size; i++) {
            resized[i] = at(i);
        }
        slots = resized;
        start = 0;
    }

    private static long weight(StoredEvent event) {
        String redacted = event.redactedFrame();
        return EVENT_OVERHEAD_BYTES + event.frame().length() + (redacted == null ? 0 : redacted.length());
    }
}

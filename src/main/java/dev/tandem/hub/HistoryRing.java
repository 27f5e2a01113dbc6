package dev.tandem.hub;

import java.util.ArrayList;
import java.util.List;

/** The last {@code capacity} events of a topic, oldest first. Not thread-safe: guarded by the topic lock. */
final class HistoryRing {
    private final StoredEvent[] slots;
    private int start;
    private int size;

    HistoryRing(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("history capacity must be >= 1");
        }
        this.slots = new StoredEvent[capacity];
    }

    void append(StoredEvent event) {
        int end = (start + size) % slots.length;
        slots[end] = event;
        if (size < slots.length) {
            size++;
        } else {
            start = (start + 1) % slots.length;
        }
    }

    /** Seq of the oldest event still held, or 0 when empty. */
    long oldestSeq() {
        return size == 0 ? 0 : slots[start].seq();
    }

    int size() {
        return size;
    }

    /** Events with seq greater than {@code seq}, oldest first, at most {@code limit}. */
    List<StoredEvent> after(long seq, int limit) {
        List<StoredEvent> result = new ArrayList<>(Math.min(limit, size));
        for (int i = 0; i < size && result.size() < limit; i++) {
            StoredEvent event = slots[(start + i) % slots.length];
            if (event.seq() > seq) {
                result.add(event);
            }
        }
        return result;
    }

    /** The newest {@code count} events, oldest first. */
    List<StoredEvent> last(int count) {
        int n = Math.min(count, size);
        List<StoredEvent> result = new ArrayList<>(n);
        for (int i = size - n; i < size; i++) {
            result.add(slots[(start + i) % slots.length]);
        }
        return result;
    }

    /** The event {@code index} places before the newest (0 = the newest). */
    StoredEvent newest(int index) {
        return slots[(start + size - 1 - index) % slots.length];
    }
}

package dev.tandem.hub;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Reliable frames written with one send. Under load, frames that waited together are written as one
 * JSON array: one send instead of many.
 *
 * @param frames       the frames' texts, oldest first (at least one)
 * @param lastPosition the resume position after the last of them
 */
record ReliableBatch(List<String> frames, long lastPosition) {
    static final int MAX_FRAMES = 64;
    static final int MAX_BYTES = 64 * 1024;

    /**
     * The oldest of {@code queued} (not empty; the first at position {@code firstPosition}, the others
     * following it) that fit in one batch: at most {@link #MAX_FRAMES} frames and {@link #MAX_BYTES}
     * bytes, except that a first frame larger than that goes alone.
     */
    static ReliableBatch takeFrom(Collection<Outgoing> queued, long firstPosition) {
        List<String> batch = new ArrayList<>(Math.min(queued.size(), MAX_FRAMES));
        long bytes = 0;
        for (Outgoing entry : queued) {
            if (batch.size() == MAX_FRAMES || (!batch.isEmpty() && bytes + entry.bytes() > MAX_BYTES)) {
                break;
            }
            batch.add(entry.text());
            bytes += entry.bytes();
        }
        return new ReliableBatch(batch, firstPosition + batch.size() - 1);
    }

    /** What goes on the wire: a frame alone as itself, several as one JSON array. */
    String text() {
        return frames.size() == 1 ? frames.get(0) : "[" + String.join(",", frames) + "]";
    }
}

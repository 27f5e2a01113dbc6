package dev.tandem.docs;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Live native Automerge objects owned by one {@link DocumentHost}: incremented on creation,
 * decremented on {@code free()}. After {@link DocumentHost#close()} all three are zero.
 */
public final class NativeCounts {
    final AtomicLong documents = new AtomicLong();
    final AtomicLong syncStates = new AtomicLong();
    final AtomicLong patchLogs = new AtomicLong();

    public long documents() {
        return documents.get();
    }

    public long syncStates() {
        return syncStates.get();
    }

    public long patchLogs() {
        return patchLogs.get();
    }

    @Override
    public String toString() {
        return "documents=" + documents() + " syncStates=" + syncStates() + " patchLogs=" + patchLogs();
    }
}

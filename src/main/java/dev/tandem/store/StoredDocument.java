package dev.tandem.store;

import java.util.List;

/**
 * A document as persisted: an optional {@code save()} snapshot covering changes up to
 * {@code snapshotSeq}, then incremental change blobs ({@code encodeChangesSince}) in seq order.
 * {@code lastSeq} is the highest seq written (the next append uses {@code lastSeq + 1}).
 */
public record StoredDocument(byte[] snapshot, long snapshotSeq, List<byte[]> changes, long lastSeq) {
    public StoredDocument {
        changes = List.copyOf(changes);
    }
}

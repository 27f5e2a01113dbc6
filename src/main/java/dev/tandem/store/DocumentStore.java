package dev.tandem.store;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Persistence for Automerge documents: incremental change blobs appended per document, compacted
 * into one snapshot. One writer per document (its owner thread), so seqs never race.
 */
public interface DocumentStore {
    /** The stored document, or empty if nothing was ever written for it. */
    Optional<StoredDocument> load(String docId);

    /** Appends one blob of encoded changes under {@code seq} (strictly increasing per document). */
    void appendChanges(String docId, long seq, byte[] changes);

    /**
     * Replaces the snapshot with {@code snapshot} (covering every change up to {@code uptoSeq}) and
     * removes the change blobs it covers, atomically.
     */
    void saveSnapshot(String docId, byte[] snapshot, List<String> heads, long uptoSeq);

    /** Removes the document entirely. */
    void delete(String docId);

    /** Whether anything is stored for the document. */
    boolean isStored(String docId);

    /** The ids of the stored documents of {@code room} (ids {@code <room>/...}). */
    Set<String> storedInRoom(String room);
}

package dev.tandem.docs;

import dev.tandem.store.DocumentStore;
import dev.tandem.store.StoredDocument;
import java.util.Optional;
import java.util.function.Supplier;
import org.automerge.ChangeHash;
import org.automerge.Document;

/**
 * One document's place in the {@link DocumentStore}: loads it (the last snapshot plus the changes
 * appended since), appends the changes of every flush, and every {@code compactEvery} appends saves a
 * snapshot. Used by its {@link DocumentOwner} on the owner thread only.
 */
final class DocumentPersistence {
    private final DocumentStore store;
    private final DocId id;
    private final String key;
    private final int compactEvery;
    private final NativeCounts counts;
    private ChangeHash[] persistedHeads;
    /** Heads of a document created here with its kind's schema and not stored yet: nothing to store until it
     *  changes, since every node creates the same schema change (so a read-only peer never writes one). */
    private ChangeHash[] schemaHeads = new ChangeHash[0];
    private long lastSeq;
    private int sinceSnapshot;

    DocumentPersistence(DocumentStore store, DocId id, int compactEvery, NativeCounts counts) {
        this.store = store;
        this.id = id;
        this.key = id.toString();
        this.compactEvery = compactEvery;
        this.counts = counts;
    }

    /**
     * The stored document, or a new one with its kind's schema when none is stored; counted in
     * {@link NativeCounts} (the caller frees it). Throws {@code internal} when the stored changes do not apply.
     */
    Document load() {
        Optional<StoredDocument> stored = store.load(key);
        if (stored.isEmpty()) {
            Document created = Schemas.create(id.kind());
            counts.documents.incrementAndGet();
            lastSeq = 0;
            sinceSnapshot = 0;
            persistedHeads = new ChangeHash[0];
            schemaHeads = created.getHeads();
            return created;
        }
        StoredDocument sd = stored.get();
        Document d = sd.snapshot() != null ? Document.load(sd.snapshot()) : new Document();
        counts.documents.incrementAndGet();
        try {
            for (byte[] c : sd.changes()) {
                d.applyEncodedChanges(c);
            }
        } catch (RuntimeException e) {
            d.free();
            counts.documents.decrementAndGet();
            throw new DocException(DocException.INTERNAL, "stored document is corrupt: " + key, e);
        }
        lastSeq = sd.lastSeq();
        sinceSnapshot = sd.changes().size();
        persistedHeads = d.getHeads();
        return d;
    }

    /** Whether everything up to {@code heads} is in the store (or is only the schema, which needs no storing). */
    boolean hasPersisted(ChangeHash[] heads) {
        return Heads.same(heads, persistedHeads) || lastSeq == 0 && Heads.same(heads, schemaHeads);
    }

    /**
     * Appends {@code doc}'s changes since the last append (its heads are now {@code heads}), then, every
     * {@code compactEvery} appends, the snapshot {@code save} gives. A store failure propagates; an append
     * that failed is retried by the next call, a snapshot that failed by the next append.
     */
    void append(Document doc, ChangeHash[] heads, Supplier<byte[]> save) {
        byte[] changes = doc.encodeChangesSince(persistedHeads);
        long seq = lastSeq + 1;
        store.appendChanges(key, seq, changes);
        lastSeq = seq;
        persistedHeads = heads;
        if (++sinceSnapshot >= compactEvery) {
            store.saveSnapshot(key, save.get(), Heads.hex(heads), lastSeq);
            sinceSnapshot = 0;
        }
    }
}

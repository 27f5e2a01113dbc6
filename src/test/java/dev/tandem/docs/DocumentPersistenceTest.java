package dev.tandem.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.store.InMemoryDocumentStore;
import dev.tandem.store.StoredDocument;
import org.automerge.ChangeHash;
import org.automerge.Document;
import org.automerge.ObjectId;
import org.automerge.Transaction;
import org.junit.jupiter.api.Test;

class DocumentPersistenceTest {
    private static final DocId ID = DocId.parse("r1/canvas");

    private static ChangeHash[] set(Document doc, String key, String value) {
        Transaction tx = doc.startTransaction();
        tx.set(ObjectId.ROOT, key, value);
        tx.commit();
        return doc.getHeads();
    }

    @Test
    void appendsEachFlushAndSnapshotsEveryCompactEveryAppendsThenLoadsTheSameDocument() {
        InMemoryDocumentStore store = new InMemoryDocumentStore();
        NativeCounts counts = new NativeCounts();
        DocumentPersistence persistence = new DocumentPersistence(store, ID, 2, counts);
        Document doc = persistence.load();
        assertEquals(1, counts.documents.get(), "a new document, counted");
        int[] saves = {0};
        for (int i = 1; i <= 3; i++) {
            ChangeHash[] heads = set(doc, "k" + i, "v" + i);
            assertFalse(persistence.hasPersisted(heads));
            persistence.append(doc, heads, () -> {
                saves[0]++;
                return doc.save();
            });
            assertTrue(persistence.hasPersisted(heads));
        }
        assertEquals(3, store.appendCount());
        assertEquals(1, saves[0], "one snapshot, at the second append");
        assertEquals(1, store.snapshotCount());
        StoredDocument stored = store.load(ID.toString()).orElseThrow();
        assertEquals(2, stored.snapshotSeq());
        assertEquals(1, stored.changes().size(), "the third append after the snapshot");
        assertEquals(3, stored.lastSeq());

        DocumentPersistence reopened = new DocumentPersistence(store, ID, 2, counts);
        Document loaded = reopened.load();
        assertEquals(Heads.hex(doc.getHeads()), Heads.hex(loaded.getHeads()));
        assertTrue(reopened.hasPersisted(loaded.getHeads()));
        ChangeHash[] next = set(loaded, "k4", "v4");
        reopened.append(loaded, next, loaded::save);
        assertEquals(4, store.load(ID.toString()).orElseThrow().lastSeq(), "numbering continues after a reload");
        doc.free();
        loaded.free();
    }

    @Test
    void aCorruptStoredDocumentIsATypedErrorAndNothingStaysCounted() {
        InMemoryDocumentStore store = new InMemoryDocumentStore();
        store.appendChanges(ID.toString(), 1, new byte[] {1, 2, 3, 4});
        NativeCounts counts = new NativeCounts();
        DocException e = assertThrows(DocException.class, () -> new DocumentPersistence(store, ID, 10, counts).load());
        assertEquals(DocException.INTERNAL, e.code());
        assertEquals(0, counts.documents.get());
        assertNull(store.load(ID.toString()).orElseThrow().snapshot(), "the store is left as it was");
    }
}

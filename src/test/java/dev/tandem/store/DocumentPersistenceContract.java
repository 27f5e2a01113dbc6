package dev.tandem.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.docs.DocumentHost;
import dev.tandem.docs.DocumentHostConfig;
import dev.tandem.docs.Threads;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The same behaviour for every {@link DocumentStore}: a restarted host finds every document intact. */
abstract class DocumentPersistenceContract {
    /** A store on the same database every time it is called (a "restart" makes a new one). */
    abstract DocumentStore openStore();

    static <T> T get(java.util.concurrent.CompletionStage<T> s) throws Exception {
        return s.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    static JsonArray ops(String json) {
        return Json.createReader(new StringReader(json)).readArray();
    }

    @Test
    void documentsAreIntactAfterRestartWithCompaction() throws Exception {
        DocumentHostConfig cfg = DocumentHostConfig.defaults().withCompactEvery(5);
        Map<String, List<String>> heads = new LinkedHashMap<>();
        Map<String, JsonValue> views = new LinkedHashMap<>();
        String canvas = "p" + System.nanoTime() % 100000 + "/canvas";
        String thread = canvas.replace("/canvas", "/thread/1");
        try (DocumentHost host = new DocumentHost(openStore(), cfg)) {
            for (int i = 0; i < 23; i++) {
                get(host.applyOps(canvas, ops("[{\"op\":\"put\",\"path\":[\"shapes\",\"s" + i + "\"],\"value\":{\"kind\":\"stroke\",\"z\":" + i + "}}]")));
            }
            get(Threads.setTitle(host, thread, "Persisted"));
            get(Threads.startMessage(host, thread, "m1", "agent", "", false));
            for (int i = 0; i < 7; i++) {
                get(Threads.appendText(host, thread, "m1", "tok" + i + " "));
            }
            get(Threads.finalise(host, thread, "m1"));
            for (String d : List.of(canvas, thread)) {
                heads.put(d, get(host.heads(d)));
                views.put(d, get(host.view(d)));
            }
        }
        DocumentStore store = openStore();
        StoredDocument sd = store.load(canvas).orElseThrow();
        assertTrue(sd.snapshot() != null, "compacted into a snapshot");
        assertTrue(sd.changes().size() < 5, "changes after the snapshot only: " + sd.changes().size());
        try (DocumentHost host = new DocumentHost(store, cfg)) {
            for (String d : heads.keySet()) {
                assertEquals(heads.get(d), get(host.heads(d)), d);
                assertEquals(views.get(d), get(host.view(d)), d);
            }
            // and it keeps working after the reload
            get(host.applyOps(canvas, ops("[{\"op\":\"delete\",\"path\":[\"shapes\",\"s0\"]}]")));
            heads.put(canvas, get(host.heads(canvas)));
        }
        try (DocumentHost host = new DocumentHost(openStore(), cfg)) {
            assertEquals(heads.get(canvas), get(host.heads(canvas)));
            assertEquals(22, get(host.view(canvas)).asJsonObject().getJsonObject("shapes").size());
        }
    }

    @Test
    void storeAppendsSnapshotsAndDeletes() {
        DocumentStore store = openStore();
        String id = "q" + System.nanoTime() % 100000 + "/x";
        assertEquals(Optional.empty(), store.load(id));
        store.appendChanges(id, 1, new byte[] {1});
        store.appendChanges(id, 2, new byte[] {2, 2});
        StoredDocument sd = store.load(id).orElseThrow();
        assertNull(sd.snapshot());
        assertEquals(2, sd.lastSeq());
        assertEquals(2, sd.changes().size());
        store.saveSnapshot(id, new byte[] {9}, List.of("ab"), 2);
        store.appendChanges(id, 3, new byte[] {3});
        sd = store.load(id).orElseThrow();
        assertEquals(1, sd.snapshot().length);
        assertEquals(2, sd.snapshotSeq());
        assertEquals(1, sd.changes().size());
        assertEquals(3, sd.lastSeq());
        store.delete(id);
        assertEquals(Optional.empty(), store.load(id));
    }

    @Test
    void knowsWhichDocumentsAreStoredPerRoomWithLikeWildcardsTakenLiterally() {
        DocumentStore store = openStore();
        String room = "r_" + System.nanoTime() % 100000;
        String lookalike = room.replace('_', 'x'); // matched by an unescaped LIKE 'r_...'
        assertEquals(java.util.Set.of(), store.storedInRoom(room));
        assertEquals(false, store.isStored(room + "/canvas"));
        store.appendChanges(room + "/canvas", 1, new byte[] {1});
        store.saveSnapshot(room + "/thread/1", new byte[] {9}, List.of("ab"), 0);
        store.appendChanges(lookalike + "/canvas", 1, new byte[] {1});
        store.appendChanges(room + "x/canvas", 1, new byte[] {1});
        assertEquals(java.util.Set.of(room + "/canvas", room + "/thread/1"), store.storedInRoom(room));
        assertEquals(true, store.isStored(room + "/canvas"), "changes only");
        assertEquals(true, store.isStored(room + "/thread/1"), "a snapshot only");
        assertEquals(false, store.isStored(room + "/thread/2"));
        store.delete(room + "/canvas");
        assertEquals(false, store.isStored(room + "/canvas"));
        assertEquals(java.util.Set.of(room + "/thread/1"), store.storedInRoom(room));
    }
}

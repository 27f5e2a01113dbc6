package dev.tandem.docs;

import static dev.tandem.docs.Await.get;
import static dev.tandem.docs.JsonClient.ops;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.store.InMemoryDocumentStore;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvictionTest {
    @Test
    void idleDocumentsAreSavedFreedAndReloadedOnDemand() throws Exception {
        InMemoryDocumentStore store = new InMemoryDocumentStore();
        try (DocumentHost host = new DocumentHost(store, DocumentHostConfig.defaults().withIdleEviction(Duration.ofMillis(100)))) {
            List<String> heads = get(host.applyOps("r1/canvas", ops("[{\"op\":\"put\",\"path\":[\"ui\",\"tab\"],\"value\":\"draw\"}]")));
            var view = get(host.view("r1/canvas"));
            assertEquals(1, host.nativeCounts().documents());
            Await.until("eviction", 5_000, () -> host.stats().loaded() == 0);
            assertEquals(0, host.nativeCounts().documents(), "document freed");
            assertEquals(1, host.stats().evictions());
            assertEquals(heads, get(host.heads("r1/canvas")), "reloaded from the store");
            assertEquals(view, get(host.view("r1/canvas")));
            assertEquals(2, host.stats().loads());
        }
    }

    @Test
    void aDocumentNobodyChangedIsNeverStoredAndItsFirstChangeStoresTheSchemaToo() throws Exception {
        InMemoryDocumentStore store = new InMemoryDocumentStore();
        try (DocumentHost host = new DocumentHost(store, DocumentHostConfig.defaults().withIdleEviction(Duration.ofMillis(50)))) {
            JsonClient reader = new JsonClient("reader");
            get(host.attach("r1/canvas", reader));
            var empty = get(host.view("r1/canvas"));
            assertEquals(List.of("shapes", "ui", "widgets"), empty.asJsonObject().keySet().stream().sorted().toList());
            get(host.detach("r1/canvas", "reader"));
            Await.until("eviction after detach", 5_000, () -> host.stats().evictions() == 1);
            assertTrue(store.load("r1/canvas").isEmpty(), "reading a new document stores nothing");
            assertEquals(0, store.appendCount());

            List<String> heads = get(host.applyOps("r1/canvas", ops("[{\"op\":\"put\",\"path\":[\"ui\",\"tab\"],\"value\":\"draw\"}]")));
            Await.until("eviction after the write", 5_000, () -> host.stats().evictions() == 2);
            assertEquals(1, store.appendCount());
            assertEquals(heads, get(host.heads("r1/canvas")), "reloaded from the store");
            var view = get(host.view("r1/canvas")).asJsonObject();
            assertEquals(List.of("shapes", "ui", "widgets"), view.keySet().stream().sorted().toList());
            assertEquals("draw", view.getJsonObject("ui").getString("tab"));
        }
    }

    @Test
    void documentsWithPeersStayLoaded() throws Exception {
        try (DocumentHost host = new DocumentHost(new InMemoryDocumentStore(), DocumentHostConfig.defaults().withIdleEviction(Duration.ofMillis(50)))) {
            JsonClient peer = new JsonClient("p");
            get(host.attach("r1/canvas", peer));
            Thread.sleep(300);
            assertEquals(1, host.stats().loaded());
            get(host.detach("r1/canvas", "p"));
            Await.until("eviction after detach", 5_000, () -> host.stats().loaded() == 0);
        }
    }

    @Test
    void atMostMaxLoadedDocumentsStayInMemory() throws Exception {
        try (DocumentHost host = new DocumentHost(new InMemoryDocumentStore(),
                DocumentHostConfig.defaults().withMaxLoaded(3))) {
            for (int i = 0; i < 10; i++) {
                get(host.applyOps("r" + i + "/canvas", ops("[{\"op\":\"put\",\"path\":[\"ui\",\"i\"],\"value\":" + i + "}]")));
            }
            Await.until("LRU eviction", 5_000, () -> host.stats().loaded() <= 3);
            assertEquals(host.stats().loaded(), host.nativeCounts().documents());
            for (int i = 0; i < 10; i++) {
                assertEquals(i, get(host.view("r" + i + "/canvas")).asJsonObject().getJsonObject("ui").getInt("i"));
            }
        }
    }

    @Test
    void closeFreesEveryNativeObject() throws Exception {
        DocumentHost host = new DocumentHost(new InMemoryDocumentStore());
        JavaClient a = new JavaClient("a", host, "r1/canvas");
        a.connect();
        JsonClient j = new JsonClient("j");
        get(host.attach("r1/thread/1", j));
        get(Threads.setTitle(host, "r1/thread/1", "x"));
        a.change(tx -> tx.set(org.automerge.ObjectId.ROOT, "k", "v"));
        get(host.view("r1/notes"));
        assertEquals(3, host.nativeCounts().documents());
        assertEquals(1, host.nativeCounts().syncStates());
        get(host.detach("r1/canvas", "a"));
        assertEquals(0, host.nativeCounts().syncStates(), "detach frees the peer's sync state");
        a.connect();
        host.close();
        assertEquals(0, host.nativeCounts().documents());
        assertEquals(0, host.nativeCounts().syncStates());
        assertEquals(0, host.nativeCounts().patchLogs());
        a.close();
        var e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> get(host.view("r1/canvas")));
        assertTrue(e.getCause() instanceof DocException de && de.code().equals("unavailable"));
    }
}

package dev.tandem.docs;

import static dev.tandem.docs.Await.get;
import static dev.tandem.docs.JsonClient.ops;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.store.InMemoryDocumentStore;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.automerge.AmValue;
import org.automerge.ObjectId;
import org.automerge.ObjectType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SyncThroughHostTest {
    private static final String DOC = "r1/canvas";
    private final DocumentHost host = new DocumentHost(new InMemoryDocumentStore());
    private final List<JavaClient> clients = new ArrayList<>();

    @AfterEach
    void close() {
        host.close();
        clients.forEach(JavaClient::close);
        assertEquals(0, host.nativeCounts().documents(), host.nativeCounts().toString());
        assertEquals(0, host.nativeCounts().syncStates(), host.nativeCounts().toString());
        assertEquals(0, host.nativeCounts().patchLogs(), host.nativeCounts().toString());
    }

    private JavaClient client(String id) throws Exception {
        JavaClient c = new JavaClient(id, host, DOC);
        clients.add(c);
        c.connect();
        return c;
    }

    private static ObjectId shapes(org.automerge.Transaction tx) {
        return ((AmValue.Map) tx.get(ObjectId.ROOT, "shapes").orElseThrow()).getId();
    }

    private void awaitConverged(List<JavaClient> cs, List<JsonClient> js) throws Exception {
        Await.until("convergence", 20_000, () -> {
            try {
                List<String> heads = get(host.heads(DOC));
                for (JavaClient c : cs) {
                    if (!c.heads().equals(heads)) {
                        return false;
                    }
                }
                for (JsonClient j : js) {
                    if (!j.heads().equals(heads)) {
                        return false;
                    }
                }
                return true;
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        JsonValue view = get(host.view(DOC));
        for (JavaClient c : cs) {
            assertEquals(view, c.view());
        }
        for (JsonClient j : js) {
            assertEquals(view, j.view(), "json peer's patched copy equals the view");
        }
    }

    @Test
    void javaClientsConvergeThroughTheHost() throws Exception {
        JavaClient a = client("a");
        JavaClient b = client("b");
        for (int i = 0; i < 50; i++) {
            int n = i;
            a.change(tx -> {
                ObjectId s = tx.set(shapes(tx), "a" + n, ObjectType.MAP);
                tx.set(s, "kind", "stroke");
                tx.set(s, "z", n);
            });
            b.change(tx -> tx.set(shapes(tx), "b" + n, "x"));
        }
        awaitConverged(List.of(a, b), List.of());
        assertEquals(100, get(host.view(DOC)).asJsonObject().getJsonObject("shapes").size());
    }

    /** The engine alone: 10 Java Automerge replicas x 200 concurrent strokes (prints the time; not a timed assertion). */
    @Test
    void tenJavaClientsAppendTwoHundredStrokesEachConcurrentlyAndConverge() throws Exception {
        List<JavaClient> cs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            cs.add(client("j" + i));
        }
        awaitConverged(cs, List.of());
        long t0 = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (JavaClient c : cs) {
            Thread t = new Thread(() -> {
                for (int i = 0; i < 200; i++) {
                    int n = i;
                    c.change(tx -> {
                        ObjectId s = tx.set(shapes(tx), c.peerId() + "-" + n, ObjectType.MAP);
                        tx.set(s, "kind", "stroke");
                        ObjectId pts = tx.set(s, "points", ObjectType.LIST);
                        for (int k = 0; k < 4; k++) {
                            tx.insert(pts, k, n + k);
                        }
                        ObjectId style = tx.set(s, "style", ObjectType.MAP);
                        tx.set(style, "color", "#abcdef");
                        tx.set(style, "width", 2);
                        tx.set(s, "z", n);
                    });
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        awaitConverged(cs, List.of());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("[bench] 10 Java replicas x 200 strokes through the engine: converged in %d ms; save() %d bytes; %s%n",
                ms, get(host.save(DOC)).length, host.stats());
        assertEquals(2000, get(host.view(DOC)).asJsonObject().getJsonObject("shapes").size());
    }

    @Test
    void jsonPeerSeesAutomergeChangesAsPatchesAndViceVersa() throws Exception {
        JsonClient j = new JsonClient("json-1");
        get(host.attach(DOC, j));
        JavaClient a = client("a");
        a.change(tx -> {
            ObjectId s = tx.set(shapes(tx), "s1", ObjectType.MAP);
            tx.set(s, "kind", "text");
            ObjectId t = tx.set(s, "name", ObjectType.TEXT);
            tx.spliceText(t, 0, 0, "hello \uD83D\uDE00 world");
            ObjectId pts = tx.set(s, "points", ObjectType.LIST);
            tx.insert(pts, 0, 1);
            tx.insert(pts, 1, 2.5);
        });
        awaitConverged(List.of(a), List.of(j));
        a.change(tx -> {
            ObjectId s = ((AmValue.Map) tx.get(shapes(tx), "s1").orElseThrow()).getId();
            ObjectId t = ((AmValue.Text) tx.get(s, "name").orElseThrow()).getId();
            tx.spliceText(t, 6, 2, "big");
            ObjectId pts = ((AmValue.List) tx.get(s, "points").orElseThrow()).getId();
            tx.delete(pts, 0);
        });
        awaitConverged(List.of(a), List.of(j));
        assertTrue(j.patchCount() >= 2);
        get(host.applyOps(DOC, ops("""
                [{"op":"put","path":["shapes","s2"],"value":{"kind":"rect","n":{"$counter":0}}},
                 {"op":"increment","path":["shapes","s2","n"],"by":3},
                 {"op":"splice","path":["shapes","s1","name"],"index":0,"delete":5,"text":"HELLO"},
                 {"op":"delete","path":["shapes","s1","points",0]}]""")));
        awaitConverged(List.of(a), List.of(j));
        assertEquals("HELLO bigworld", a.view().asJsonObject().getJsonObject("shapes").getJsonObject("s1").getString("name"));
    }

    @Test
    void rawEncodedChangesAreAppliedAndReachEveryPeer() throws Exception {
        JsonClient j = new JsonClient("json-1");
        get(host.attach(DOC, j));
        JavaClient a = client("a");
        awaitConverged(List.of(a), List.of(j));
        // a REST integration: load the snapshot, change offline, post encodeChangesSince(snapshot heads)
        org.automerge.Document local = org.automerge.Document.load(get(host.save(DOC)));
        try {
            org.automerge.ChangeHash[] base = local.getHeads();
            org.automerge.Transaction tx = local.startTransaction();
            tx.set(((AmValue.Map) tx.get(ObjectId.ROOT, "widgets").orElseThrow()).getId(), "timer", 90);
            tx.commit();
            List<String> heads = get(host.applyChanges(DOC, local.encodeChangesSince(base)));
            assertEquals(Heads.hex(local.getHeads()), heads);
        } finally {
            local.free();
        }
        awaitConverged(List.of(a), List.of(j));
        assertEquals(90, a.view().asJsonObject().getJsonObject("widgets").getInt("timer"));
        List<String> before = get(host.heads(DOC));
        var e = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                () -> get(host.applyChanges(DOC, new byte[] {1, 2, 3, 4})));
        assertEquals("bad_request", ((DocException) e.getCause()).code());
        assertEquals(before, get(host.heads(DOC)));
    }

    @Test
    void offlineJavaEditsMergeOnReconnect() throws Exception {
        JavaClient a = client("a");
        JavaClient b = client("b");
        a.change(tx -> tx.set(shapes(tx), "base", "1"));
        awaitConverged(List.of(a, b), List.of());
        b.disconnect();
        b.change(tx -> tx.set(shapes(tx), "offline", "b"));
        a.change(tx -> tx.set(shapes(tx), "online", "a"));
        b.connect();
        awaitConverged(List.of(a, b), List.of());
        var shapes = get(host.view(DOC)).asJsonObject().getJsonObject("shapes");
        assertEquals(3, shapes.size(), shapes.toString());
    }

    /** Seeded random ops from several bridge peers (and one Automerge peer) converge. */
    @Test
    void randomOpsFromSeveralBridgePeersConverge() throws Exception {
        Random rnd = new Random(42);
        List<JsonClient> js = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            JsonClient j = new JsonClient("json-" + i);
            get(host.attach(DOC, j));
            js.add(j);
        }
        JavaClient a = client("a");
        List<java.util.concurrent.CompletableFuture<?>> pending = new ArrayList<>();
        int errors = 0;
        for (int round = 0; round < 150; round++) {
            JsonClient j = js.get(rnd.nextInt(js.size()));
            JsonValue local = j.view();
            JsonArray ops = randomOps(rnd, local.asJsonObject().getJsonObject("shapes"));
            pending.add(host.applyOps(DOC, ops).toCompletableFuture().exceptionally(t -> null));
            if (round % 10 == 0) {
                int n = round;
                a.change(tx -> tx.set(shapes(tx), "am" + n, n));
            }
        }
        for (var f : pending) {
            f.get();
        }
        awaitConverged(List.of(a), js);
        assertTrue(get(host.view(DOC)).asJsonObject().getJsonObject("shapes").size() > 10);
    }

    private static JsonArray randomOps(Random rnd, jakarta.json.JsonObject shapes) {
        JsonArrayBuilder ops = Json.createArrayBuilder();
        List<String> ids = new ArrayList<>(shapes.keySet());
        int n = 1 + rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            int k = rnd.nextInt(6);
            String id = ids.isEmpty() || k == 0 ? "s" + rnd.nextInt(40) : ids.get(rnd.nextInt(ids.size()));
            JsonValue shape = shapes.get(id);
            boolean full = shape != null && shape.getValueType() == JsonValue.ValueType.OBJECT
                    && shape.asJsonObject().containsKey("points");
            if (k <= 1 || !full) {
                ops.add(Json.createObjectBuilder().add("op", "put").add("path", Json.createArrayBuilder().add("shapes").add(id))
                        .add("value", Json.createObjectBuilder().add("kind", "stroke").add("z", rnd.nextInt(100))
                                .add("points", Json.createArrayBuilder().add(rnd.nextInt(9)).add(rnd.nextDouble()))
                                .add("name", Json.createObjectBuilder().add("$text", "shape " + id))
                                .add("hits", Json.createObjectBuilder().add("$counter", 0))));
            } else if (k == 2) {
                ops.add(Json.createObjectBuilder().add("op", "insert")
                        .add("path", Json.createArrayBuilder().add("shapes").add(id).add("points").add("-"))
                        .add("value", rnd.nextInt(1000)));
            } else if (k == 3) {
                ops.add(Json.createObjectBuilder().add("op", "splice")
                        .add("path", Json.createArrayBuilder().add("shapes").add(id).add("name"))
                        .add("index", 0).add("delete", 0).add("text", "x"));
            } else if (k == 4) {
                ops.add(Json.createObjectBuilder().add("op", "increment")
                        .add("path", Json.createArrayBuilder().add("shapes").add(id).add("hits")).add("by", 1 + rnd.nextInt(5)));
            } else {
                ops.add(Json.createObjectBuilder().add("op", "delete").add("path", Json.createArrayBuilder().add("shapes").add(id)));
            }
        }
        return ops.build();
    }
}

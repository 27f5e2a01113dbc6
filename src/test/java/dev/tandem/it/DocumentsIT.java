package dev.tandem.it;

import static dev.tandem.it.DocTestSupport.reply;
import static dev.tandem.it.DocTestSupport.strings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.docs.ConflictingWrites;
import dev.tandem.docs.JsonPatchApplier;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.automerge.AmValue;
import org.automerge.ChangeHash;
import org.automerge.Document;
import org.automerge.ObjectId;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Automerge documents on the deployed WAR, with real {@code @automerge/automerge} clients (Node
 * processes) over WebSocket and SSE, a JSON-ops bridge (Java, json mode) and REST.
 */
@ExtendWith(ArquillianExtension.class)
class DocumentsIT {
    private static final int CLIENTS = Integer.getInteger("it.docs.clients", 10);
    private static final int STROKES = Integer.getInteger("it.docs.strokes", 200);

    @Deployment(testable = false)
    static WebArchive deploy() {
        return Deployments.war();
    }

    @ArquillianResource
    URL url;

    private URI base;
    private DocTestSupport support;
    private JsClients js;
    private final List<WsClient> sockets = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        base = Deployments.baseUri(url);
        support = new DocTestSupport(base);
        js = new JsClients();
    }

    @AfterEach
    void tearDown() {
        sockets.forEach(WsClient::close);
        js.close();
    }

    private WsClient ws(String token) throws Exception {
        WsClient ws = WsClient.connect(base, token);
        sockets.add(ws);
        ws.frames.awaitType("welcome");
        return ws;
    }

    /** A json-mode subscriber (the JSON-ops bridge): returns its snapshot frame. */
    private static JsonObject subscribeJson(WsClient ws, String doc) {
        ws.send(Json.createObjectBuilder().add("type", "doc.subscribe").add("id", "j-" + doc).add("doc", doc)
                .add("mode", "json").build().toString());
        JsonObject snapshot = ws.frames.awaitType("doc.snapshot");
        assertEquals("ack", reply(ws, "j-" + doc).getString("type"));
        return snapshot;
    }

    private static void send(WsClient ws, String type, String id, String doc, String key, JsonValue value) {
        var b = Json.createObjectBuilder().add("type", type).add("doc", doc);
        if (id != null) {
            b.add("id", id);
        }
        if (key != null) {
            b.add(key, value);
        }
        ws.send(b.build().toString());
    }

    /** Applies, in order, every doc.patch of {@code doc} received after its snapshot; waits for the one at {@code heads}. */
    private static JsonValue bridgeView(WsClient ws, JsonObject snapshot, List<String> heads) {
        String doc = snapshot.getString("doc");
        boolean seen = ws.frames.seen().stream().anyMatch(f -> isPatchAt(f, doc, heads));
        if (!seen) {
            ws.frames.await(f -> isPatchAt(f, doc, heads), "doc.patch at the server's heads");
        }
        JsonPatchApplier view = new JsonPatchApplier(snapshot.get("view"));
        boolean after = false;
        for (JsonObject f : ws.frames.seen()) {
            if (f == snapshot) {
                after = true;
            } else if (after && "doc.patch".equals(f.getString("type")) && doc.equals(f.getString("doc"))) {
                view.apply(f.getJsonArray("patches"));
            }
        }
        return view.toJson();
    }

    private static boolean isPatchAt(JsonObject f, String doc, List<String> heads) {
        return "doc.patch".equals(f.getString("type")) && doc.equals(f.getString("doc"))
                && strings(f.getJsonArray("heads")).equals(heads);
    }

    @Test
    void tenClientsAppendConcurrentlyAndConverge() throws Exception {
        String room = DocTestSupport.newRoom("conv");
        String doc = room + "/canvas";
        WsClient bridge = ws(support.token("bridge", room, "collaborator"));
        JsonObject bridgeSnapshot = subscribeJson(bridge, doc);
        // One process per client, like browsers; the last client is SSE-only.
        List<JsClients.Proc> procs = new ArrayList<>();
        List<CompletableFuture<JsonObject>> opened = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            JsClients.Proc p = js.start();
            procs.add(p);
            String transport = i == CLIENTS - 1 ? "sse" : "ws";
            opened.add(p.open("c" + i, base, support.token("c" + i, room, "collaborator"), doc, transport));
        }
        CompletableFuture.allOf(opened.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);

        long t0 = System.nanoTime();
        List<CompletableFuture<JsonObject>> done = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            done.add(procs.get(i).command("strokes", Json.createObjectBuilder().add("c", "c" + i).add("n", STROKES)));
        }
        CompletableFuture.allOf(done.toArray(new CompletableFuture[0])).get(120, TimeUnit.SECONDS);
        long edited = System.nanoTime();
        support.awaitConverged(procs, room, "canvas", 90_000);
        long converged = System.nanoTime();
        System.out.printf("DocumentsIT: %d clients x %d strokes: edits done in %d ms, converged %d ms after start%n",
                CLIENTS, STROKES, (edited - t0) / 1_000_000, (converged - t0) / 1_000_000);

        JsonValue view = support.assertSameJson(procs, room, "canvas");
        assertEquals(CLIENTS * STROKES, view.asJsonObject().getJsonObject("shapes").size());
        List<String> heads = strings(support.view(room, "canvas").getJsonArray("heads"));
        assertEquals(view, bridgeView(bridge, bridgeSnapshot, heads), "the JSON bridge's view + patches");
    }

    @Test
    void concurrentRenamesPickTheSameWinnerEverywhere() throws Exception {
        String room = DocTestSupport.newRoom("ren");
        String doc = room + "/canvas";
        JsClients.Proc a = js.start();
        JsClients.Proc b = js.start();
        a.open("a", base, support.token("a", room, "collaborator"), doc, "ws").get(60, TimeUnit.SECONDS);
        b.open("b", base, support.token("b", room, "collaborator"), doc, "ws").get(60, TimeUnit.SECONDS);
        a.call("strokes", Json.createObjectBuilder().add("c", "a").add("n", 1));
        support.awaitConverged(List.of(a, b), room, "canvas", 30_000);

        // Neither sees the other's rename before making its own: a true conflict.
        a.call("offline", Json.createObjectBuilder().add("c", "a"));
        b.call("offline", Json.createObjectBuilder().add("c", "b"));
        a.call("rename", Json.createObjectBuilder().add("c", "a").add("shape", "a-0").add("name", "alpha"));
        b.call("rename", Json.createObjectBuilder().add("c", "b").add("shape", "a-0").add("name", "beta"));
        a.call("online", Json.createObjectBuilder().add("c", "a"));
        b.call("online", Json.createObjectBuilder().add("c", "b"));
        support.awaitConverged(List.of(a, b), room, "canvas", 30_000);

        JsonValue view = support.assertSameJson(List.of(a, b), room, "canvas");
        String winner = view.asJsonObject().getJsonObject("shapes").getJsonObject("a-0").getString("name");
        assertTrue(winner.equals("alpha") || winner.equals("beta"), winner);
        for (JsClients.Proc p : List.of(a, b)) {
            JsonObject clients = p.state(false, "a-0").getJsonObject("clients");
            clients.values().forEach(s -> assertEquals(2, s.asJsonObject().getInt("nameConflicts"), "a real conflict"));
        }
    }

    /**
     * A concurrent write that loses to the current value, with a JSON peer attached: automerge-java 0.0.7
     * aborted the JVM on the conflict patch (see {@code ConflictPatchFix}); the server must stay up and the
     * JSON peer in step.
     */
    @Test
    void aConcurrentWriteThatLosesKeepsTheServerUpAndJsonPeersInStep() throws Exception {
        String room = DocTestSupport.newRoom("lose");
        String doc = room + "/canvas";
        WsClient bridge = ws(support.token("bridge", room, "collaborator"));
        JsonObject snapshot = subscribeJson(bridge, doc);
        Document base = Document.load(support.save(room, "canvas", null).body());
        ObjectId ui = ((AmValue.Map) base.get(ObjectId.ROOT, "ui").orElseThrow()).getId();
        ChangeHash[] start = base.getHeads();
        ConflictingWrites writes = ConflictingWrites.of(base, ui, "title");
        String winner = writes.winningValue();
        Document first = writes.winner();
        Document second = writes.loser();
        assertEquals(200, support.postChanges(room, "canvas", first.encodeChangesSince(start)));
        assertEquals(200, support.postChanges(room, "canvas", second.encodeChangesSince(start)), "the losing write");

        JsonObject server = support.view(room, "canvas");
        assertEquals(winner, server.getJsonObject("view").getJsonObject("ui").getString("title"));
        assertEquals(2, server.getJsonArray("heads").size(), "both writes are in");
        send(bridge, "doc.ops", "after", doc, "ops", Json.createArrayBuilder().add(Json.createObjectBuilder()
                .add("op", "put").add("path", Json.createArrayBuilder().add("ui").add("tab")).add("value", "draw")).build());
        JsonObject ack = reply(bridge, "after");
        assertEquals("ack", ack.getString("type"), ack.toString());
        JsonObject after = support.view(room, "canvas");
        assertEquals(after.get("view"), bridgeView(bridge, snapshot, strings(after.getJsonArray("heads"))));
        base.free();
        writes.free();
    }

    /** Two Automerge clients of {@code <room>/canvas} in one process: {@code overWs} on WebSocket, {@code overSse} on SSE. */
    private JsClients.Proc wsAndSseClients(String room, String overWs, String overSse) throws Exception {
        String doc = room + "/canvas";
        JsClients.Proc p = js.start();
        p.open(overWs, base, support.token(overWs, room, "collaborator"), doc, "ws").get(60, TimeUnit.SECONDS);
        p.open(overSse, base, support.token(overSse, room, "collaborator"), doc, "sse").get(60, TimeUnit.SECONDS);
        return p;
    }

    @Test
    void offlineEditsMergeOnReconnect() throws Exception {
        String room = DocTestSupport.newRoom("off");
        JsClients.Proc p = wsAndSseClients(room, "on", "off");
        p.call("offline", Json.createObjectBuilder().add("c", "off"));
        p.call("strokes", Json.createObjectBuilder().add("c", "off").add("n", 30));
        p.call("strokes", Json.createObjectBuilder().add("c", "on").add("n", 30));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        JsonObject shapes;
        do {
            Thread.sleep(100);
            shapes = support.view(room, "canvas").getJsonObject("view").getJsonObject("shapes");
        } while (shapes.size() < 30 && System.nanoTime() < deadline);
        assertEquals(30, shapes.size(), "the online client's edits arrived");
        assertTrue(shapes.keySet().stream().noneMatch(k -> k.startsWith("off-")), "the offline client's edits stayed local");
        p.call("online", Json.createObjectBuilder().add("c", "off"));
        support.awaitConverged(List.of(p), room, "canvas", 30_000);
        JsonValue view = support.assertSameJson(List.of(p), room, "canvas");
        assertEquals(60, view.asJsonObject().getJsonObject("shapes").size());
    }

    /**
     * A long offline session comes back as ONE sync message holding every change (Automerge cannot split it):
     * 3,000 strokes are ~150 KB of base64, beyond tandem.maxFrameBytes (64 KiB) and within
     * tandem.maxDocumentFrameBytes. Before that limit existed, the message was refused for good and every later
     * edit of that client was lost.
     */
    @Test
    void aLongOfflineSessionMergesThroughOneLargeSyncMessageOverWebSocketAndSse() throws Exception {
        String room = DocTestSupport.newRoom("long");
        JsClients.Proc p = wsAndSseClients(room, "ws", "sse");
        p.call("offline", Json.createObjectBuilder().add("c", "ws"));
        p.call("offline", Json.createObjectBuilder().add("c", "sse"));
        p.call("strokes", Json.createObjectBuilder().add("c", "ws").add("n", 3000));
        p.call("strokes", Json.createObjectBuilder().add("c", "sse").add("n", 3000));
        p.call("online", Json.createObjectBuilder().add("c", "ws"));
        p.call("online", Json.createObjectBuilder().add("c", "sse"));
        support.awaitConverged(List.of(p), room, "canvas", 60_000);
        JsonObject shapes = support.assertSameJson(List.of(p), room, "canvas").asJsonObject().getJsonObject("shapes");
        assertEquals(6000, shapes.size());
        assertEquals(3000, shapes.keySet().stream().filter(k -> k.startsWith("ws-")).count());
        // Later small edits still arrive (they depend on the large change).
        p.call("strokes", Json.createObjectBuilder().add("c", "sse").add("n", 1));
        support.awaitConverged(List.of(p), room, "canvas", 30_000);
        assertEquals(6001, support.view(room, "canvas").getJsonObject("view").getJsonObject("shapes").size());
    }

    @Test
    void jsonBridgeSeesAutomergeChangesAndItsOpsReachAutomergeClients() throws Exception {
        String room = DocTestSupport.newRoom("bridge");
        String doc = room + "/canvas";
        WsClient bridge = ws(support.token("bridge", room, "collaborator"));
        JsonObject snapshot = subscribeJson(bridge, doc);
        assertNotNull(snapshot.getJsonObject("view").getJsonObject("shapes"));
        JsClients.Proc p = js.start();
        p.open("w", base, support.token("w", room, "collaborator"), doc, "ws").get(60, TimeUnit.SECONDS);
        p.open("s", base, support.token("s", room, "collaborator"), doc, "sse").get(60, TimeUnit.SECONDS);
        p.call("strokes", Json.createObjectBuilder().add("c", "w").add("n", 20));
        p.call("strokes", Json.createObjectBuilder().add("c", "s").add("n", 20));
        support.awaitConverged(List.of(p), room, "canvas", 30_000);
        JsonObject server = support.view(room, "canvas");
        assertEquals(server.get("view"), bridgeView(bridge, snapshot, strings(server.getJsonArray("heads"))));

        JsonArray ops = Json.createArrayBuilder().add(Json.createObjectBuilder().add("op", "put")
                .add("path", Json.createArrayBuilder().add("shapes").add("from-bridge"))
                .add("value", Json.createObjectBuilder().add("kind", "rect").add("z", 7))).build();
        send(bridge, "doc.ops", "o1", doc, "ops", ops);
        JsonObject ack = reply(bridge, "o1");
        assertEquals("ack", ack.getString("type"), ack.toString());
        support.awaitConverged(List.of(p), room, "canvas", 30_000);
        assertEquals(strings(ack.getJsonArray("heads")), strings(support.view(room, "canvas").getJsonArray("heads")));
        JsonValue view = support.assertSameJson(List.of(p), room, "canvas");
        assertEquals(7, view.asJsonObject().getJsonObject("shapes").getJsonObject("from-bridge").getInt("z"));
    }

    @Test
    void badOpsGetTypedErrorsAndChangeNothing() throws Exception {
        String room = DocTestSupport.newRoom("bad");
        String doc = room + "/canvas";
        WsClient ws = ws(support.token("w", room, "collaborator"));
        subscribeJson(ws, doc);
        JsonObject before = support.view(room, "canvas");

        // A valid op followed by a failing one: the whole list is rolled back.
        JsonArray partlyBad = Json.createArrayBuilder()
                .add(Json.createObjectBuilder().add("op", "put").add("path", Json.createArrayBuilder().add("shapes").add("x"))
                        .add("value", 1))
                .add(Json.createObjectBuilder().add("op", "put").add("path", Json.createArrayBuilder().add("nope").add("y"))
                        .add("value", 2)).build();
        send(ws, "doc.ops", "b1", doc, "ops", partlyBad);
        assertEquals("not_found", reply(ws, "b1").getString("code"));
        send(ws, "doc.ops", "b2", doc, "ops", Json.createArrayBuilder().add(Json.createObjectBuilder().add("op", "explode")).build());
        assertEquals("bad_request", reply(ws, "b2").getString("code"));
        send(ws, "doc.ops", "b3", room + "/../etc", "ops", Json.createArrayBuilder().build());
        assertEquals("bad_request", reply(ws, "b3").getString("code"));
        send(ws, "doc.sync", "b4", doc, "data", Json.createValue("not base64!"));
        assertEquals("bad_request", reply(ws, "b4").getString("code"));
        ws.send("{\"type\":\"doc.subscribe\",\"id\":\"b5\",\"doc\":\"" + doc + "\",\"mode\":\"crdt\"}");
        assertEquals("bad_request", reply(ws, "b5").getString("code"));

        // Over REST too.
        assertEquals(404, support.postOps(room, "canvas", partlyBad).status());
        Rest.Reply notOps = support.rest.post("api/v1/rooms/" + room + "/docs/canvas", "{\"ops\": 3}");
        assertEquals(400, notOps.status());
        assertEquals("bad_request", notOps.body().getString("code"));

        assertEquals(before, support.view(room, "canvas"), "the document is unchanged");
        assertTrue(ws.frames.seen().stream().noneMatch(f -> "doc.patch".equals(f.getString("type"))), "no patch was sent");
    }

    @Test
    void viewerMayReadButNotWrite() throws Exception {
        String room = DocTestSupport.newRoom("view");
        String doc = room + "/canvas";
        support.postOps(room, "canvas", Json.createArrayBuilder().add(Json.createObjectBuilder().add("op", "put")
                .add("path", Json.createArrayBuilder().add("shapes").add("s")).add("value", 1)).build());
        JsonObject before = support.view(room, "canvas");
        WsClient viewer = ws(support.token("v", room, "viewer"));
        JsonObject snapshot = subscribeJson(viewer, doc);
        assertEquals(before.get("view"), snapshot.get("view"));

        send(viewer, "doc.ops", "v1", doc, "ops", Json.createArrayBuilder().add(Json.createObjectBuilder().add("op", "put")
                .add("path", Json.createArrayBuilder().add("shapes").add("t")).add("value", 2)).build());
        assertEquals("forbidden", reply(viewer, "v1").getString("code"));
        send(viewer, "doc.sync", "v2", doc, "data", Json.createValue(Base64.getEncoder().encodeToString(new byte[] {0x42, 0})));
        assertEquals("forbidden", reply(viewer, "v2").getString("code"));
        viewer.send("{\"type\":\"doc.subscribe\",\"id\":\"v3\",\"doc\":\"" + doc + "\",\"mode\":\"sync\"}");
        assertEquals("forbidden", reply(viewer, "v3").getString("code"));
        // Another room is not granted at all.
        send(viewer, "doc.subscribe", "v4", "other/canvas", "mode", Json.createValue("json"));
        assertEquals("forbidden", reply(viewer, "v4").getString("code"));
        assertEquals(before, support.view(room, "canvas"), "the document is unchanged");
    }

    @Test
    void restSaveBytesLoadInAutomergeJs() throws Exception {
        String room = DocTestSupport.newRoom("rest");
        JsonArray ops = Json.createArrayBuilder().add(Json.createObjectBuilder().add("op", "put")
                .add("path", Json.createArrayBuilder().add("shapes").add("r1"))
                .add("value", Json.createObjectBuilder().add("kind", "rect").add("name", Json.createObjectBuilder().add("$text", "box"))
                        .add("points", Json.createArrayBuilder().add(1).add(2.5)))).build();
        Rest.Reply applied = support.postOps(room, "canvas", ops);
        assertEquals(200, applied.status(), applied.toString());
        JsonObject server = support.view(room, "canvas");
        assertEquals(applied.body().getJsonArray("heads"), server.getJsonArray("heads"));
        JsonObject headsOnly = support.view(room, "canvas", "?view=false");
        assertEquals(server.get("heads"), headsOnly.get("heads"), "?view=false: the same heads");
        assertEquals(java.util.Set.of("doc", "heads"), headsOnly.keySet(), "?view=false: no view");
        Rest.Reply maybe = support.rest.send(java.net.http.HttpRequest.newBuilder(base.resolve("api/v1/rooms/" + room
                + "/docs/canvas?view=maybe")).header("Authorization", "Bearer " + Rest.API_KEY)
                .header("Accept", "application/json").GET().build());
        assertEquals(400, maybe.status(), maybe::toString);
        assertEquals("bad_request", maybe.body().getString("code"));
        // Encoded changes: up to 16 MiB (the servers' own body limits are above it); more is too_large.
        HttpResponse<String> tooBig = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        base.resolve("api/v1/rooms/" + room + "/docs/canvas")).header("Authorization", "Bearer " + Rest.API_KEY)
                .header("Content-Type", "application/octet-stream")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[(16 << 20) + 1])).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, tooBig.statusCode(), tooBig.body());
        assertEquals("too_large", Json.createReader(new java.io.StringReader(tooBig.body())).readObject().getString("code"));
        assertEquals(server.get("heads"), support.view(room, "canvas").get("heads"), "nothing changed");

        for (String accept : new String[] {null, "application/octet-stream", "*/*"}) {
            HttpResponse<byte[]> save = support.save(room, "canvas", accept);
            assertEquals(200, save.statusCode(), "Accept " + accept);
            assertTrue(save.headers().firstValue("Content-Type").orElse("").startsWith("application/octet-stream"),
                    "Accept " + accept + ": " + save.headers().firstValue("Content-Type"));
            JsonObject loaded = js.start().call("load", Json.createObjectBuilder()
                    .add("data", Base64.getEncoder().encodeToString(save.body())));
            assertEquals(server.get("heads"), loaded.get("heads"), "Accept " + accept);
            assertEquals(server.get("view"), loaded.get("json"), "Accept " + accept);
            assertArrayEquals(new byte[] {(byte) 0x85, 0x6f, 0x4a, (byte) 0x83}, java.util.Arrays.copyOf(save.body(), 4));
        }
    }
}

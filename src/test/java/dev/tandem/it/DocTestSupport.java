package dev.tandem.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Document helpers shared by the document integration tests: REST reads, tokens with roles, convergence. */
final class DocTestSupport {
    private static final AtomicLong ROOMS = new AtomicLong(System.nanoTime() % 1_000_000);
    private final URI base;
    final Rest rest;
    private final HttpClient http = HttpClient.newHttpClient();

    DocTestSupport(URI base) {
        this.base = base;
        this.rest = new Rest(base);
    }

    static String newRoom(String prefix) {
        return prefix + ROOMS.incrementAndGet();
    }

    String token(String identity, String room, String role) throws Exception {
        Rest.Reply reply = rest.post("api/v1/tokens", Json.createObjectBuilder().add("identity", identity)
                .add("name", identity).add("rooms", Json.createArrayBuilder().add(room)).add("role", role)
                .build().toString());
        assertEquals(201, reply.status(), "token: " + reply);
        return reply.body().getString("token");
    }

    /** {doc, heads, view} of {@code room/name} through REST. */
    JsonObject view(String room, String name) throws Exception {
        return view(room, name, "");
    }

    /** The JSON view with a query string (e.g. {@code ?view=false}: heads only). */
    JsonObject view(String room, String name, String query) throws Exception {
        Rest.Reply reply = rest.send(HttpRequest.newBuilder(base.resolve("api/v1/rooms/" + room + "/docs/" + name + query))
                .header("Authorization", "Bearer " + Rest.API_KEY).header("Accept", "application/json").GET().build());
        assertEquals(200, reply.status(), "view: " + reply);
        return reply.body();
    }

    /** The Automerge save() bytes through REST. */
    HttpResponse<byte[]> save(String room, String name, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("api/v1/rooms/" + room + "/docs/" + name))
                .header("Authorization", "Bearer " + Rest.API_KEY).GET();
        if (accept != null) {
            request.header("Accept", accept);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** POSTs encoded Automerge changes; returns the HTTP status. */
    int postChanges(String room, String name, byte[] changes) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("api/v1/rooms/" + room + "/docs/" + name))
                .header("Authorization", "Bearer " + Rest.API_KEY).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(changes)).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    Rest.Reply postOps(String room, String name, JsonArray ops) throws Exception {
        return rest.post("api/v1/rooms/" + room + "/docs/" + name,
                Json.createObjectBuilder().add("ops", ops).build().toString());
    }

    static List<String> strings(JsonArray array) {
        return array.getValuesAs(JsonString::getString);
    }

    /**
     * Waits (bounded) until every JS replica of {@code procs} has the server's heads; fails with the
     * last differences otherwise. Returns the milliseconds it took.
     */
    long awaitConverged(List<JsClients.Proc> procs, String room, String name, long timeoutMs) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + timeoutMs * 1_000_000;
        String last = "";
        while (true) {
            List<String> heads = strings(view(room, name).getJsonArray("heads"));
            boolean same = true;
            StringBuilder diff = new StringBuilder();
            for (JsClients.Proc p : procs) {
                JsonObject clients = p.state(false, null).getJsonObject("clients");
                for (String c : clients.keySet()) {
                    JsonObject s = clients.getJsonObject(c);
                    assertTrue(s.getJsonArray("errors").isEmpty(), c + " got errors: " + s.getJsonArray("errors"));
                    List<String> h = strings(s.getJsonArray("heads"));
                    if (!h.equals(heads)) {
                        same = false;
                        diff.append(c).append(' ').append(h.size()).append(" heads; ");
                    }
                }
            }
            if (same) {
                return (System.nanoTime() - t0) / 1_000_000;
            }
            last = "server " + heads.size() + " heads; " + diff;
            if (System.nanoTime() > deadline) {
                throw new AssertionError("replicas did not converge in " + timeoutMs + " ms: " + last);
            }
            Thread.sleep(100);
        }
    }

    /** Every JS replica's JSON equals the server's view; returns that view. */
    JsonValue assertSameJson(List<JsClients.Proc> procs, String room, String name) throws Exception {
        JsonValue view = view(room, name).get("view");
        for (JsClients.Proc p : procs) {
            JsonObject clients = p.state(true, null).getJsonObject("clients");
            for (String c : clients.keySet()) {
                assertEquals(view, clients.getJsonObject(c).get("json"), c + " has the server's JSON view");
            }
        }
        return view;
    }

    /** The reply with {@code id}, whether it already went by (recorded in seen()) or is still to come. */
    static JsonObject reply(WsClient ws, String id) {
        for (JsonObject f : ws.frames.seen()) {
            if (id.equals(f.getString("id", null))) {
                return f;
            }
        }
        return ws.frames.awaitReply(id);
    }
}

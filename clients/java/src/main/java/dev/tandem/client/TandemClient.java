package dev.tandem.client;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Tandem's REST API for back-office systems (docs/protocol.md "REST API", docs/documents.md "REST"), with
 * the API key: mint join tokens, publish into a topic, read a topic's history, read and change documents.
 * Every call is synchronous and thread-safe; a refusal throws {@link TandemException} with the server's
 * code and HTTP status. For live events, open a {@link RealtimeConnection} with a join token.
 *
 * <pre>{@code
 * TandemClient tandem = TandemClient.create(URI.create("http://127.0.0.1:8080"), apiKey);
 * String token = tandem.mintToken(TokenRequest.of("alice", "r1").withName("Alice"));
 * Published p = tandem.publish("r1", "chat", Json.createObjectBuilder().add("text", "hi").build());
 * History h = tandem.history("r1", "chat", 0, 100);
 * }</pre>
 */
public final class TandemClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final URI base;
    private final String apiKey;
    private final HttpClient http;

    private TandemClient(URI base, String apiKey, HttpClient http) {
        this.base = URI.create(base.toString().replaceAll("/+$", "") + "/");
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        this.http = http;
    }

    /** A client of the Tandem at {@code base} (e.g. {@code http://127.0.0.1:8080}) using {@code apiKey}. */
    public static TandemClient create(URI base, String apiKey) {
        return new TandemClient(base, apiKey, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
    }

    /** The server's base URI (for {@link RealtimeConnection}). */
    public URI base() {
        return base;
    }

    // --- tokens ------------------------------------------------------------------------------------

    /** Mints a signed join token for a browser, an agent or a {@link RealtimeConnection}. */
    public String mintToken(TokenRequest request) {
        JsonObjectBuilder body = Json.createObjectBuilder()
                .add("identity", request.identity())
                .add("rooms", strings(request.rooms()))
                .add("role", request.role() == null ? "collaborator" : request.role());
        if (request.name() != null) {
            body.add("name", request.name());
        }
        if (request.ttlSeconds() > 0) {
            body.add("ttlSeconds", request.ttlSeconds());
        }
        return object(send(post("api/v1/tokens", body.build()), 201)).getString("token");
    }

    // --- topics ------------------------------------------------------------------------------------

    /** Publishes {@code data} into {@code <room>/<channel>} as the server ({@code from: "server"}). */
    public Published publish(String room, String channel, JsonValue data) {
        return publish(room, channel, data, null, List.of());
    }

    /**
     * Publishes {@code data}, naming the publisher {@code from} (null: {@code server}) and, when {@code to} is
     * not empty, delivering the data only to those identities (others get the seq, redacted).
     */
    public Published publish(String room, String channel, JsonValue data, String from, List<String> to) {
        JsonObjectBuilder body = Json.createObjectBuilder().add("data", data);
        if (from != null) {
            body.add("from", from);
        }
        if (!to.isEmpty()) {
            body.add("to", strings(to));
        }
        JsonObject ack = object(send(post(topicPath(room, channel), body.build()), 201));
        return new Published(ack.getString("topic"), ack.getString("epoch"), ack.getJsonNumber("seq").longValue());
    }

    /** The events of {@code <room>/<channel>} after {@code since}, oldest first, at most {@code limit} (≤ 1000). */
    public History history(String room, String channel, long since, int limit) {
        JsonObject page = object(send(get(topicPath(room, channel) + "?since=" + since + "&limit=" + limit,
                "application/json"), 200));
        String topic = page.getString("topic");
        String epoch = page.getString("epoch");
        List<TopicEvent> events = new ArrayList<>();
        for (JsonValue v : page.getJsonArray("events")) {
            JsonObject e = v.asJsonObject();
            events.add(new TopicEvent(topic, epoch, e.getJsonNumber("seq").longValue(), e.get("data"),
                    e.getString("from", null), e.containsKey("ts") ? e.getJsonNumber("ts").longValue() : 0,
                    !e.containsKey("data")));
        }
        return new History(topic, epoch, page.getJsonNumber("seq").longValue(), page.getBoolean("complete", true),
                List.copyOf(events));
    }

    // --- documents ---------------------------------------------------------------------------------

    /** The document {@code <room>/<name>} ({@code name}: {@code canvas}, {@code thread/42}...): heads and JSON view. */
    public DocumentState document(String room, String name) {
        return documentState(object(send(get(docPath(room, name), "application/json"), 200)));
    }

    /** Only the heads: a cheap check whether the document changed. */
    public List<String> documentHeads(String room, String name) {
        return documentState(object(send(get(docPath(room, name) + "?view=false", "application/json"), 200))).heads();
    }

    /** The document's encoded Automerge state ({@code save()} bytes): load it with any Automerge. */
    public byte[] documentBytes(String room, String name) {
        HttpResponse<byte[]> res = exchange(get(docPath(room, name), "application/octet-stream"));
        if (res.statusCode() != 200) {
            throw refusal(res.statusCode(), new String(res.body(), StandardCharsets.UTF_8));
        }
        return res.body();
    }

    /** Applies JSON operations (docs/documents.md) in one transaction; returns the new heads. */
    public List<String> applyOps(String room, String name, JsonArray ops) {
        JsonObject body = Json.createObjectBuilder().add("ops", ops).build();
        return documentState(object(send(post(docPath(room, name), body), 200))).heads();
    }

    /** Applies encoded Automerge changes (one or many, up to 16 MiB); returns the new heads. */
    public List<String> applyChanges(String room, String name, byte[] changes) {
        HttpRequest request = request(docPath(room, name))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(changes)).build();
        return documentState(object(send(request, 200))).heads();
    }

    // --- plumbing ----------------------------------------------------------------------------------

    private static DocumentState documentState(JsonObject o) {
        List<String> heads = o.getJsonArray("heads").getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
        return new DocumentState(o.getString("doc"), heads, o.get("view"));
    }

    private static String topicPath(String room, String channel) {
        return "api/v1/rooms/" + segment(room) + "/channels/" + segment(channel) + "/events";
    }

    private static String docPath(String room, String name) {
        StringBuilder path = new StringBuilder("api/v1/rooms/").append(segment(room)).append("/docs");
        for (String part : name.split("/", -1)) {
            path.append('/').append(segment(part));
        }
        return path.toString();
    }

    /**
     * A room, channel or document name segment as the server accepts them ({@code [A-Za-z0-9_-]{1,64}});
     * anything else is refused here, so that {@code ..} or a {@code /} can never reach another room's URL.
     */
    private static String segment(String s) {
        if (s == null || !NAME.matcher(s).matches()) {
            throw new TandemException("bad_request", "not a valid name (letters, digits, _ and -, at most 64): " + s);
        }
        return s;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).header("Authorization", "Bearer " + apiKey);
    }

    private HttpRequest get(String path, String accept) {
        return request(path).header("Accept", accept).GET().build();
    }

    private HttpRequest post(String path, JsonObject body) {
        return request(path).header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
    }

    private String send(HttpRequest request, int expected) {
        HttpResponse<byte[]> res = exchange(request);
        String text = new String(res.body(), StandardCharsets.UTF_8);
        if (res.statusCode() != expected) {
            throw refusal(res.statusCode(), text);
        }
        return text;
    }

    private HttpResponse<byte[]> exchange(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new TandemException("unavailable", request.method() + " " + request.uri().getPath() + ": " + e, 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TandemException("unavailable", "interrupted", 0, e);
        }
    }

    /**
     * Tandem's error body {@code {code, message}}. Anything else is not Tandem answering (a proxy's page, the
     * server while the application is not deployed yet): {@code unavailable}, with the HTTP status kept.
     */
    private static TandemException refusal(int status, String body) {
        try {
            JsonObject error = object(body);
            if (error.containsKey("code")) {
                return new TandemException(error.getString("code"), error.getString("message", ""), status, null);
            }
        } catch (RuntimeException notJson) {
            // below
        }
        String brief = body.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").strip();
        return new TandemException("unavailable", "HTTP " + status + " without a Tandem error"
                + (brief.isEmpty() ? "" : ": " + (brief.length() > 120 ? brief.substring(0, 120) : brief)), status, null);
    }

    static JsonObject object(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    static JsonArray strings(List<String> values) {
        JsonArrayBuilder array = Json.createArrayBuilder();
        values.forEach(array::add);
        return array.build();
    }
}

package dev.tandem.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Attacks on a real server, each refused with the right code while nothing changes. Tool calls do not
 * exist yet; their grants ({@code tools}) are carried by tokens and checked once the feature lands.
 */
class SecurityIT extends DeployedTest {
    /** pom.xml it.server.jvmargs: the token secret of key k1 and the publish burst. */
    static final String SECRET = "it-token-secret-0123456789abcdef0123456789abcdef";
    static final int PUBLISH_BURST = 1600;

    @Override
    String roomPrefix() {
        return "s";
    }

    // --- helpers ---------------------------------------------------------------------------------

    private String token(String body) throws Exception {
        Rest.Reply reply = rest.post("api/v1/tokens", body);
        assertEquals(201, reply.status(), () -> "token: " + reply);
        return reply.body().getString("token");
    }

    private String token(String identity, String role, long ttl) throws Exception {
        return token("{\"identity\":\"" + identity + "\",\"rooms\":[\"" + room + "\"],\"role\":\"" + role
                + "\",\"ttlSeconds\":" + ttl + "}");
    }

    private static String frame(String type, String id, String topic, String extra) {
        return "{\"type\":\"" + type + "\",\"id\":\"" + id + "\",\"topic\":\"" + topic + "\"" + extra + "}";
    }

    private static String publish(String id, String topic) {
        return frame("publish", id, topic, ",\"data\":{\"text\":\"x\"}");
    }

    private static void assertError(JsonObject reply, String code) {
        assertEquals("error", reply.getString("type"), reply::toString);
        assertEquals(code, reply.getString("code"), reply::toString);
    }

    /** The connection still answers: a ping gets its pong. */
    private static void assertStillOpen(WsClient ws, String id) {
        ws.send("{\"type\":\"ping\",\"id\":\"" + id + "\"}");
        assertEquals("pong", ws.frames.awaitReply(id).getString("type"));
    }

    private long historySeq(String topicRoom, String channel) throws Exception {
        Rest.Reply reply = rest.get("api/v1/rooms/" + topicRoom + "/channels/" + channel + "/events?since=0");
        assertEquals(200, reply.status());
        return reply.body().getJsonNumber("seq").longValue();
    }

    private static String signed(JWSAlgorithm alg, String kid, String secret, Instant expiry, String room) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("tandem").subject("mallory")
                .claim("rooms", List.of(room)).claim("role", "owner").expirationTime(Date.from(expiry)).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private void assertWsRefused(String token, String code, int closeCode) throws Exception {
        try (WsClient ws = WsClient.connect(base, token)) {
            assertError(ws.frames.awaitType("error"), code);
            assertEquals(closeCode, ws.closed.get(30, TimeUnit.SECONDS));
        }
    }

    private int sseStatus(String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("api/realtime/sse?token=" + token))
                .header("Accept", "text/event-stream").build();
        HttpResponse<Void> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding());
        return response.statusCode();
    }

    // --- tokens ----------------------------------------------------------------------------------

    @Test
    void forgedAlgNoneWrongAlgorithmAndUnknownKeyTokensAreUnauthorizedOnBothTransports() throws Exception {
        Instant later = Instant.now().plusSeconds(600);
        String forged = signed(JWSAlgorithm.HS256, "k1", "forged-secret-0123456789abcdef0123456789ab", later, room);
        String unknownKey = signed(JWSAlgorithm.HS256, "k9", SECRET, later, room);
        String hs512 = signed(JWSAlgorithm.HS512, "k1", SECRET + SECRET, later, room);
        String[] parts = forged.split("\\.");
        String none = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"kid\":\"k1\"}".getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + ".";
        for (String bad : List.of(forged, unknownKey, hs512, none)) {
            assertWsRefused(bad, "unauthorized", 4401);
            assertEquals(401, sseStatus(bad));
        }
        assertEquals(0, historySeq(room, "chat"));
    }

    @Test
    void anExpiredTokenIsRefusedWithTokenExpired() throws Exception {
        String expired = signed(JWSAlgorithm.HS256, "k1", SECRET, Instant.now().minusSeconds(5), room);
        assertWsRefused(expired, "token_expired", 4402);
        assertEquals(401, sseStatus(expired));
    }

    @Test
    void aLiveConnectionIsWarnedBeforeExpiryThenEndedWithTokenExpired() throws Exception {
        try (WsClient ws = WsClient.connect(base, token("alice", "collaborator", 4))) {
            ws.frames.awaitType("welcome");
            assertTrue(ws.frames.awaitType("token_expiring").getJsonNumber("expiresAt").longValue() > 0);
            JsonObject bye = ws.frames.awaitType("bye");
            assertEquals("token_expired", bye.getString("code"));
            assertFalse(bye.getBoolean("reconnect"));
            assertEquals(4402, ws.closed.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void refreshSwapsTheTokenAndKeepsSubscriptions() throws Exception {
        String topic = room + "/chat";
        try (WsClient ws = WsClient.connect(base, token("alice", "collaborator", 4))) {
            ws.frames.awaitType("welcome");
            ws.send(frame("subscribe", "s", topic, ""));
            assertEquals("ack", ws.frames.awaitReply("s").getString("type"));
            ws.frames.awaitType("token_expiring");
            ws.send("{\"type\":\"refresh\",\"id\":\"r1\",\"token\":\"" + token("alice", "collaborator", 600) + "\"}");
            assertEquals("ack", ws.frames.awaitReply("r1").getString("type"));
            Thread.sleep(4000); // past the first token's expiry
            long seq = rest.publish(room, "chat", Rest.text("after refresh"));
            ws.frames.awaitEventsUpTo(topic, seq);
            assertStillOpen(ws, "p");
            assertTrue(ws.frames.seen().stream().noneMatch(f -> "bye".equals(f.getString("type"))));
        }
    }

    @Test
    void refreshWithAnotherIdentitysTokenIsForbiddenAndChangesNothing() throws Exception {
        String topic = room + "/chat";
        try (WsClient ws = WsClient.connect(base, token("alice", "viewer", 600))) {
            ws.frames.awaitType("welcome");
            ws.send("{\"type\":\"refresh\",\"id\":\"r1\",\"token\":\"" + token("bob", "owner", 600) + "\"}");
            assertError(ws.frames.awaitReply("r1"), "forbidden");
            ws.send(publish("p1", topic));
            assertError(ws.frames.awaitReply("p1"), "forbidden"); // still alice the viewer
            ws.send("{\"type\":\"refresh\",\"id\":\"r2\",\"token\":\"not.a.token\"}");
            assertError(ws.frames.awaitReply("r2"), "unauthorized");
            assertStillOpen(ws, "ping");
        }
        assertEquals(0, historySeq(room, "chat"));
    }

    // --- rooms, roles, topic names -----------------------------------------------------------------

    @Test
    void aTokenForAnotherRoomIsForbiddenForEveryOperation() throws Exception {
        String other = "o" + UUID.randomUUID().toString().substring(0, 8);
        try (WsClient ws = WsClient.connect(base, token("alice", "owner", 600))) {
            ws.frames.awaitType("welcome");
            ws.send(frame("subscribe", "s", other + "/chat", ""));
            assertError(ws.frames.awaitReply("s"), "forbidden");
            ws.send(publish("p", other + "/chat"));
            assertError(ws.frames.awaitReply("p"), "forbidden");
            ws.send("{\"type\":\"doc.subscribe\",\"id\":\"d\",\"doc\":\"" + other + "/canvas\",\"mode\":\"json\"}");
            assertError(ws.frames.awaitReply("d"), "forbidden");
            ws.send("{\"type\":\"doc.ops\",\"id\":\"o\",\"doc\":\"" + other + "/canvas\",\"ops\":[]}");
            assertError(ws.frames.awaitReply("o"), "forbidden");
            assertStillOpen(ws, "ping");
        }
        try (SseClient sse = SseClient.connect(base, token("bob", "owner", 600))) {
            assertEquals(202, sse.send("[" + publish("p", other + "/chat") + "," + frame("subscribe", "s", other + "/chat", "") + "]"));
            assertError(sse.frames.awaitReply("p"), "forbidden");
            assertError(sse.frames.awaitReply("s"), "forbidden");
        }
        assertEquals(0, historySeq(other, "chat"));
    }

    @Test
    void craftedTopicNamesCannotReachAnotherRoom() throws Exception {
        String other = "o" + UUID.randomUUID().toString().substring(0, 8);
        String[] crafted = {room + "/../" + other + "/chat", "../" + other + "/chat", room + "/*", "*/chat",
                room + "/chat/../../" + other + "/chat", other + "\\/chat", room.replace('s', '\u0455') + "/chat",
                room + "\u2215chat", room + "/ch\u0430t", room + "%2F..%2F" + other + "/chat", " " + room + "/chat",
                room + "/chat\u0000", other + "/chat"};
        try (WsClient ws = WsClient.connect(base, token("alice", "owner", 600))) {
            ws.frames.awaitType("welcome");
            for (int i = 0; i < crafted.length; i++) {
                String json = Json.createObjectBuilder().add("type", "subscribe").add("id", "c" + i)
                        .add("topic", crafted[i]).build().toString();
                ws.send(json);
                JsonObject reply = ws.frames.awaitReply("c" + i);
                assertEquals("error", reply.getString("type"), crafted[i]);
                assertTrue(List.of("bad_request", "forbidden").contains(reply.getString("code")), reply::toString);
            }
            rest.publish(other, "chat", Rest.text("secret"));
            assertStillOpen(ws, "barrier");
            assertTrue(ws.frames.seen().stream().noneMatch(f -> "event".equals(f.getString("type"))
                    || "snapshot".equals(f.getString("type"))), "nothing of another room arrived");
        }
    }

    @Test
    void aViewerCannotPublishOrChangeADocument() throws Exception {
        String topic = room + "/chat";
        String doc = room + "/canvas";
        Rest.Reply created = rest.post("api/v1/rooms/" + room + "/docs/canvas",
                "{\"ops\":[{\"op\":\"put\",\"path\":[\"shapes\",\"s1\"],\"value\":{\"kind\":\"rect\"}}]}");
        assertEquals(200, created.status(), created::toString);
        String heads = created.body().getJsonArray("heads").toString();
        try (WsClient ws = WsClient.connect(base, token("vera", "viewer", 600))) {
            ws.frames.awaitType("welcome");
            ws.send(frame("subscribe", "s", topic, ""));
            assertEquals("ack", ws.frames.awaitReply("s").getString("type"), "viewers read");
            ws.send(publish("p", topic));
            assertError(ws.frames.awaitReply("p"), "forbidden");
            ws.send("{\"type\":\"doc.ops\",\"id\":\"o\",\"doc\":\"" + doc
                    + "\",\"ops\":[{\"op\":\"delete\",\"path\":[\"shapes\",\"s1\"]}]}");
            assertError(ws.frames.awaitReply("o"), "forbidden");
            ws.send("{\"type\":\"doc.sync\",\"id\":\"y\",\"doc\":\"" + doc + "\",\"data\":\"AAAA\"}");
            JsonObject refusedSync = ws.frames.awaitReply("y");
            assertError(refusedSync, "forbidden");
            assertEquals(doc, refusedSync.getString("doc"), "an error about a document names it");
            assertStillOpen(ws, "ping");
        }
        try (SseClient sse = SseClient.connect(base, token("vic", "viewer", 600))) {
            assertEquals(202, sse.send(publish("p", topic)));
            assertError(sse.frames.awaitReply("p"), "forbidden");
        }
        assertEquals(0, historySeq(room, "chat"));
        Rest.Reply view = rest.send(HttpRequest.newBuilder(base.resolve("api/v1/rooms/" + room + "/docs/canvas"))
                .header("Authorization", "Bearer " + Rest.API_KEY).header("Accept", "application/json").GET().build());
        assertEquals(heads, view.body().getJsonArray("heads").toString(), "the document did not change");
    }

    @Test
    void channelGrantsLimitPublishAndSubscribe() throws Exception {
        String token = token("{\"identity\":\"carl\",\"rooms\":[\"" + room + "\"],\"publish\":[\"chat\"],"
                + "\"subscribe\":[\"chat\",\"thread-*\"],\"tools\":{\"provide\":[\"search\"],\"call\":[]},"
                + "\"avatar\":\"https://example.com/c.png\",\"color\":\"#00aa00\"}");
        try (WsClient ws = WsClient.connect(base, token)) {
            ws.frames.awaitType("welcome");
            ws.send(publish("p1", room + "/chat"));
            assertEquals("ack", ws.frames.awaitReply("p1").getString("type"));
            ws.send(publish("p2", room + "/agent"));
            assertError(ws.frames.awaitReply("p2"), "forbidden");
            ws.send(frame("subscribe", "s1", room + "/thread-7", ""));
            assertEquals("ack", ws.frames.awaitReply("s1").getString("type"));
            ws.send(frame("subscribe", "s2", room + "/agent", ""));
            assertError(ws.frames.awaitReply("s2"), "forbidden");
        }
        assertEquals(0, historySeq(room, "agent"));
        Rest.Reply bad = rest.post("api/v1/tokens", "{\"identity\":\"x\",\"rooms\":[\"" + room + "\"],\"publish\":[\"../*\"]}");
        assertEquals(400, bad.status());
    }

    // --- limits ------------------------------------------------------------------------------------

    @Test
    void anOversizedFrameIsTooLargeAndTheConnectionStaysOpen() throws Exception {
        String topic = room + "/chat";
        try (WsClient ws = WsClient.connect(base, token("alice", "collaborator", 600))) {
            ws.frames.awaitType("welcome");
            ws.send("{\"id\":\"big\",\"type\":\"publish\",\"topic\":\"" + topic + "\",\"data\":\"" + "x".repeat(70_000) + "\"}");
            assertError(ws.frames.awaitReply("big"), "too_large");
            assertStillOpen(ws, "ping");
        }
        try (SseClient sse = SseClient.connect(base, token("bob", "collaborator", 600))) {
            assertEquals(413, sse.send(publish("big", topic).replace("\"x\"", "\"" + "x".repeat(70_000) + "\"")));
        }
        Rest.Reply rest413 = rest.post("api/v1/rooms/" + room + "/channels/chat/events",
                "{\"data\":\"" + "x".repeat(70_000) + "\"}");
        assertEquals(413, rest413.status(), rest413::toString);
        assertEquals("too_large", rest413.body().getString("code"));
        assertEquals(0, historySeq(room, "chat"));
        // JSON bodies are limited to 1 MiB of UTF-8, not of characters: 600,000 'é' are 1.2 MB.
        Rest.Reply wide = rest.post("api/v1/rooms/" + room + "/docs/notes",
                "{\"ops\":[{\"op\":\"put\",\"path\":[\"k\"],\"value\":\"" + "\u00e9".repeat(600_000) + "\"}]}");
        assertEquals(413, wide.status(), wide::toString);
        assertEquals("too_large", wide.body().getString("code"));
    }

    @Test
    void publishingFasterThanTheRateLimitIsRateLimitedAndNothingExtraIsStored() throws Exception {
        String topic = room + "/chat";
        int sent = PUBLISH_BURST + 1000;
        try (WsClient ws = WsClient.connect(base, token("speedy", "collaborator", 600))) {
            ws.frames.awaitType("welcome");
            int acks = 0;
            int limited = 0;
            for (int i = 0; i < sent; i++) {
                ws.send(publish("p" + i, topic));
                if (i % 100 != 99 && i != sent - 1) {
                    continue; // replies are read in batches, so the outbox (256 frames in the ITs) never overflows
                }
                for (int j = i - i % 100; j <= i; j++) {
                    JsonObject reply = ws.frames.awaitReply("p" + j);
                    if ("ack".equals(reply.getString("type"))) {
                        acks++;
                    } else {
                        assertError(reply, "rate_limited");
                        limited++;
                    }
                }
            }
            assertTrue(limited > 0, "some publishes were rate limited");
            assertEquals(acks, historySeq(room, "chat"), "only acknowledged publishes were stored");
            assertStillOpen(ws, "ping");
        }
    }

    @Test
    void aWebSocketFromAForeignOriginIsRefusedAndASameOriginOneAccepted() throws Exception {
        String token = token("alice", "collaborator", 600);
        URI uri = URI.create(base.toString().replaceFirst("^http", "ws") + "api/realtime?token=" + token);
        assertEquals(4403, originConnect(uri, "http://evil.example"));
        assertEquals(0, originConnect(uri, "http://" + base.getHost() + ":" + base.getPort()));
    }

    /** Connects with an Origin header: the close code (4403), -1 when the handshake failed, 0 for a welcome. */
    private static int originConnect(URI uri, String origin) throws Exception {
        CompletableFuture<Integer> outcome = new CompletableFuture<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                if (data.toString().contains("\"welcome\"")) {
                    outcome.complete(0);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                outcome.complete(statusCode);
                return null;
            }
        };
        WebSocket socket;
        try {
            socket = HttpClient.newHttpClient().newWebSocketBuilder().header("Origin", origin)
                    .buildAsync(uri, listener).get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return -1;
        }
        int result = outcome.get(30, TimeUnit.SECONDS);
        socket.abort();
        return result;
    }

    // --- share links and API keys ------------------------------------------------------------------

    @Test
    void aRevokedShareLinkEndsItsConnectionsAndMintsNoMoreTokens() throws Exception {
        Rest.Reply link = rest.post("api/v1/rooms/" + room + "/links", "{\"role\":\"viewer\"}");
        assertEquals(201, link.status(), link::toString);
        String id = link.body().getString("id");
        Rest.Reply exchanged = rest.post("api/v1/links/" + id + "/tokens", "{\"identity\":\"alice\",\"name\":\"Guest\"}");
        assertEquals(201, exchanged.status(), exchanged::toString);
        assertEquals("guest:alice", exchanged.body().getString("identity"), "guests never impersonate app users");
        assertEquals("viewer", exchanged.body().getString("role"));
        String guestToken = exchanged.body().getString("token");
        try (WsClient ws = WsClient.connect(base, guestToken)) {
            ws.frames.awaitType("welcome");
            ws.send(frame("subscribe", "s", room + "/chat", ""));
            assertEquals("ack", ws.frames.awaitReply("s").getString("type"));
            ws.send(publish("p", room + "/chat"));
            assertError(ws.frames.awaitReply("p"), "forbidden");
            HttpRequest delete = HttpRequest.newBuilder(base.resolve("api/v1/rooms/" + room + "/links/" + id))
                    .header("Authorization", "Bearer " + Rest.API_KEY).DELETE().build();
            assertEquals(204, rest.send(delete).status());
            assertEquals("forbidden", ws.frames.awaitType("bye").getString("code"));
            assertEquals(4403, ws.closed.get(30, TimeUnit.SECONDS));
        }
        assertWsRefused(guestToken, "forbidden", 4403);
        assertEquals(403, sseStatus(guestToken));
        assertEquals(403, rest.post("api/v1/links/" + id + "/tokens", "{\"identity\":\"eve\"}").status());
        assertEquals(404, rest.post("api/v1/links/nope/tokens", "{\"identity\":\"eve\"}").status());
    }

    @Test
    void ownersMintShareLinksForTheirRoomsOnly() throws Exception {
        String owner = token("olga", "owner", 600);
        HttpRequest asOwner = HttpRequest.newBuilder(base.resolve("api/v1/rooms/" + room + "/links"))
                .header("Authorization", "Bearer " + owner).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"role\":\"collaborator\"}")).build();
        assertEquals(201, rest.send(asOwner).status());
        HttpRequest otherRoom = HttpRequest.newBuilder(base.resolve("api/v1/rooms/elsewhere/links"))
                .header("Authorization", "Bearer " + owner).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        assertEquals(403, rest.send(otherRoom).status());
        HttpRequest asCollaborator = HttpRequest.newBuilder(base.resolve("api/v1/rooms/" + room + "/links"))
                .header("Authorization", "Bearer " + token("carl", "collaborator", 600))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        assertEquals(403, rest.send(asCollaborator).status());
        assertEquals(400, rest.post("api/v1/rooms/" + room + "/links", "{\"role\":\"owner\"}").status());
    }

    @Test
    void apiKeysAreCreatedListedWithoutSecretsAndRevokedByTheAdminKeyOnly() throws Exception {
        Rest.Reply created = rest.post("api/v1/keys", "{\"name\":\"billing\"}");
        assertEquals(201, created.status(), created::toString);
        String id = created.body().getString("id");
        String secret = created.body().getString("secret");
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest mint = HttpRequest.newBuilder(base.resolve("api/v1/tokens")).header("Authorization", "Bearer " + secret)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"identity\":\"x\",\"room\":\"" + room + "\"}")).build();
        assertEquals(201, http.send(mint, HttpResponse.BodyHandlers.discarding()).statusCode());
        HttpRequest listWithKey = HttpRequest.newBuilder(base.resolve("api/v1/keys"))
                .header("Authorization", "Bearer " + secret).GET().build();
        assertEquals(403, http.send(listWithKey, HttpResponse.BodyHandlers.discarding()).statusCode());
        Rest.Reply list = rest.get("api/v1/keys");
        assertEquals(200, list.status());
        JsonObject listed = list.body().getJsonArray("keys").getValuesAs(JsonObject.class).stream()
                .filter(k -> k.getString("id").equals(id)).findFirst().orElseThrow();
        assertEquals("billing", listed.getString("name"));
        assertNull(listed.get("secret"));
        assertFalse(list.body().toString().contains(secret));
        HttpRequest delete = HttpRequest.newBuilder(base.resolve("api/v1/keys/" + id))
                .header("Authorization", "Bearer " + Rest.API_KEY).DELETE().build();
        assertEquals(204, rest.send(delete).status());
        assertEquals(401, http.send(mint, HttpResponse.BodyHandlers.discarding()).statusCode());
        assertNotNull(listed.get("createdAt"));
    }
}

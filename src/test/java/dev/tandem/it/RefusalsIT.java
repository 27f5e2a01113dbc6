package dev.tandem.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a client written from docs/protocol.md alone meets at the edges (found by a black-box probe):
 * every refusal is typed, on both transports and over REST, and changes nothing.
 */
class RefusalsIT extends DeployedTest {
    /** tandem.maxConnectionsPerIdentity's default (the ITs do not set it). */
    private static final int CONNECTIONS_PER_IDENTITY = 20;

    @Override
    String roomPrefix() {
        return "e";
    }

    private static void assertError(JsonObject reply, String code) {
        assertEquals("error", reply.getString("type"), reply::toString);
        assertEquals(code, reply.getString("code"), reply::toString);
    }

    private long historySeq() throws Exception {
        Rest.Reply reply = rest.get("api/v1/rooms/" + room + "/channels/chat/events?since=0");
        assertEquals(200, reply.status());
        return reply.body().getJsonNumber("seq").longValue();
    }

    private String publish(String id) {
        return "{\"type\":\"publish\",\"id\":\"" + id + "\",\"topic\":\"" + room + "/chat\",\"data\":{\"text\":\"x\"}}";
    }

    @Test
    void restRefusalsMadeBeforeAnyResourceRunsAreJsonWithTheirStatus() throws Exception {
        Rest.Reply missing = rest.get("api/v1/no-such-resource");
        assertEquals(404, missing.status());
        assertEquals("not_found", missing.body().getString("code"), missing::toString);
        Rest.Reply wrongType = rest.send(HttpRequest.newBuilder(base.resolve("api/v1/tokens"))
                .header("Authorization", "Bearer " + Rest.API_KEY).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("identity=alice")).build());
        assertEquals(415, wrongType.status());
        assertEquals("bad_request", wrongType.body().getString("code"), wrongType::toString);
        Rest.Reply wrongMethod = rest.send(HttpRequest.newBuilder(base.resolve("api/v1/health"))
                .DELETE().build());
        assertEquals(405, wrongMethod.status());
        assertEquals("bad_request", wrongMethod.body().getString("code"), wrongMethod::toString);
        assertFalse(wrongMethod.body().getString("message").isBlank());
    }

    @Test
    void anSseStreamOverTheIdentitysConnectionLimitIsRefusedWith429AndOthersStillConnect() throws Exception {
        String token = rest.token("crowd", room);
        List<SseClient> streams = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS_PER_IDENTITY; i++) {
                streams.add(SseClient.connect(base, token));
            }
            HttpResponse<String> refused = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(base.resolve("api/realtime/sse?token=" + token))
                            .header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(429, refused.statusCode(), refused::body);
            assertEquals("limit_exceeded", ReceivedFrames.parse(refused.body()).getString("code"));
            try (WsClient ws = WsClient.connect(base, token)) {
                assertError(ws.frames.awaitType("error"), "limit_exceeded");
                assertEquals(4429, ws.closed.get(30, TimeUnit.SECONDS));
            }
            try (SseClient other = SseClient.connect(base, rest.token("solo", room))) {
                assertEquals(202, other.send("{\"type\":\"ping\",\"id\":\"p\"}"));
                assertEquals("pong", other.frames.awaitReply("p").getString("type"));
            }
            assertEquals(202, streams.get(0).send("{\"type\":\"ping\",\"id\":\"p\"}"), "the admitted ones still work");
            assertEquals("pong", streams.get(0).frames.awaitReply("p").getString("type"));
        } finally {
            for (SseClient stream : streams) {
                stream.close();
            }
        }
    }

    @Test
    void anSsePostBodyThatIsNeitherAFrameNorAnArrayIsBadRequestAndTheStreamGoesOn() throws Exception {
        try (SseClient sse = SseClient.connect(base, rest.token("bea", room))) {
            assertEquals(400, sse.send("5"));
            assertError(sse.frames.awaitType("error"), "bad_request");
            assertEquals(202, sse.send(publish("p1")));
            assertEquals("ack", sse.frames.awaitReply("p1").getString("type"));
        }
        assertEquals(1, historySeq());
    }

    @Test
    void anSseStreamWhoseSessionIsResumedElsewhereIsToldByeReplacedAndEnds() throws Exception {
        String token = rest.token("dan", room);
        try (SseClient first = SseClient.connect(base, token)) {
            assertEquals(202, first.send("{\"type\":\"subscribe\",\"id\":\"s\",\"topic\":\"" + room + "/chat\"}"));
            assertEquals("ack", first.frames.awaitReply("s").getString("type"));
            try (SseClient second = SseClient.reconnect(base, token, first.lastEventId())) {
                assertEquals(first.sessionId, second.sessionId, "the session was resumed");
                JsonObject bye = first.frames.awaitType("bye");
                assertEquals("replaced", bye.getString("code"));
                assertFalse(bye.getBoolean("reconnect"), "an EventSource told to reconnect would take the session back");
                first.ended.get(30, TimeUnit.SECONDS);
                rest.publish(room, "chat", Rest.text("after"));
                assertEquals("after", second.frames.awaitEventsUpTo(room + "/chat", 1).get(0)
                        .getJsonObject("data").getString("text"));
            }
        }
    }

    /**
     * Before hello, only a small frame is buffered (nobody without a token makes the server hold a document-sized
     * frame): 2 MB closes with 1009. After a writer's hello, a 2 MB doc.sync is taken (and answered as document
     * data); a viewer's bound stays small.
     */
    @Test
    void anAnonymousConnectionCannotSendLargeFramesButAnAuthenticatedOneCan() throws Exception {
        String big = "A".repeat(2_000_000);
        try (WsClient anonymous = WsClient.connectAnonymous(base)) {
            anonymous.send("{\"type\":\"doc.sync\",\"doc\":\"" + room + "/canvas\",\"data\":\"" + big + "\"}");
            assertEquals(1009, anonymous.closed.get(30, TimeUnit.SECONDS));
        }
        try (WsClient helloed = WsClient.connectAnonymous(base)) {
            helloed.send("{\"type\":\"hello\",\"id\":\"h\",\"token\":\"" + rest.token("hal", room) + "\"}");
            assertEquals("h", helloed.frames.awaitType("welcome").getString("id"));
            helloed.send("{\"type\":\"doc.sync\",\"doc\":\"" + room + "/canvas\",\"data\":\"" + big + "\"}");
            // Not subscribed: the server read the frame whole and refuses it as a document request, naming the doc.
            JsonObject error = helloed.frames.awaitType("error");
            assertEquals("bad_request", error.getString("code"), error::toString);
            assertEquals(room + "/canvas", error.getString("doc"));
            helloed.send("{\"type\":\"ping\",\"id\":\"p\"}");
            assertEquals("pong", helloed.frames.awaitReply("p").getString("type"), "the connection stays");
        }
        // A read-only principal never sends document data: its bound is not raised.
        String viewerToken = rest.post("api/v1/tokens", "{\"identity\":\"vic\",\"rooms\":[\"" + room + "\"],\"role\":\"viewer\"}")
                .body().getString("token");
        try (WsClient viewer = WsClient.connect(base, viewerToken)) {
            viewer.frames.awaitType("welcome");
            viewer.send("{\"type\":\"doc.sync\",\"doc\":\"" + room + "/canvas\",\"data\":\"" + big + "\"}");
            assertEquals(1009, viewer.closed.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void aHelloWithAnEmptyTokenIsUnauthorizedAndClosesWith4401() throws Exception {
        try (WsClient ws = WsClient.connectAnonymous(base)) {
            ws.send("{\"type\":\"hello\",\"id\":\"h1\",\"token\":\"\"}");
            JsonObject error = ws.frames.awaitReply("h1");
            assertError(error, "unauthorized");
            assertEquals(4401, ws.closed.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void aBinaryWebSocketMessageIsBadRequestAndChangesNothing() throws Exception {
        try (WsClient ws = WsClient.connect(base, rest.token("eve", room))) {
            ws.frames.awaitType("welcome");
            ws.sendBinary(publish("b1").getBytes(StandardCharsets.UTF_8));
            assertError(ws.frames.awaitType("error"), "bad_request");
            ws.send("{\"type\":\"ping\",\"id\":\"p\"}");
            assertEquals("pong", ws.frames.awaitReply("p").getString("type"));
            assertTrue(ws.frames.seen().stream().noneMatch(f -> "b1".equals(f.getString("id", null))));
        }
        assertEquals(0, historySeq());
    }

    /**
     * The WebSocket buffer holds a document frame of tandem.maxDocumentFrameBytes (16 MiB) and then some: a
     * 1.1 MB publish is a typed too_large and the connection stays; a frame beyond the buffer closes it with 1009.
     */
    @Test
    void aWebSocketFrameOverTheContainersBufferClosesTheConnectionWith1009() throws Exception {
        try (WsClient ws = WsClient.connect(base, rest.token("fay", room))) {
            ws.frames.awaitType("welcome");
            ws.send(publish("big").replace("\"x\"", "\"" + "x".repeat(1_100_000) + "\""));
            JsonObject refused = ws.frames.awaitReply("big");
            assertEquals("too_large", refused.getString("code"), refused::toString);
            String huge = publish("huge").replace("\"x\"", "\"" + "x".repeat(17_200_000) + "\"");
            ws.send(huge);
            // WildFly: Tandem's bound (1009). Payara: Tyrus's own 4 MiB read buffer closes first (1011).
            int code = ws.closed.get(30, TimeUnit.SECONDS);
            assertTrue(code == 1009 || code == 1011, "closed with " + code);
        }
        assertEquals(0, historySeq());
    }

    @Test
    void aMintedTokensExpiresAtIsTheTokensExpInMilliseconds() throws Exception {
        Rest.Reply minted = rest.post("api/v1/tokens", "{\"identity\":\"gus\",\"rooms\":[\"" + room + "\"],\"ttlSeconds\":600}");
        assertEquals(201, minted.status());
        String payload = minted.body().getString("token").split("\\.")[1];
        long exp = ReceivedFrames.parse(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8))
                .getJsonNumber("exp").longValue();
        assertEquals(exp * 1000, minted.body().getJsonNumber("expiresAt").longValue());
    }

    @Test
    void theApiKeyCannotMintATokenForAShareLinkGuestsIdentity() throws Exception {
        for (String identity : new String[] {"guest:alice", "GUEST:alice", " Guest:alice"}) {
            Rest.Reply refused = rest.post("api/v1/tokens", "{\"identity\":\"" + identity + "\",\"rooms\":[\"" + room + "\"]}");
            assertEquals(400, refused.status(), identity);
            assertEquals("bad_request", refused.body().getString("code"), refused::toString);
        }
        assertEquals(201, rest.post("api/v1/tokens", "{\"identity\":\"alice\",\"rooms\":[\"" + room + "\"]}").status());
    }
}

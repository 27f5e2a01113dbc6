package dev.tandem.it;

import static dev.tandem.it.ReceivedFrames.seqs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.TreeSet;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The core bus on a real server: WebSocket and SSE clients in one room, resume, errors, isolation. */
class RealtimeIT extends DeployedTest {


    private static String subscribe(String id, String topic) {
        return "{\"type\":\"subscribe\",\"id\":\"" + id + "\",\"topic\":\"" + topic + "\"}";
    }

    private static String subscribeSince(String id, String topic, String epoch, long seq) {
        return "{\"type\":\"subscribe\",\"id\":\"" + id + "\",\"topic\":\"" + topic
                + "\",\"since\":{\"epoch\":\"" + epoch + "\",\"seq\":" + seq + "}}";
    }

    private static String publish(String id, String topic, String text) {
        return "{\"type\":\"publish\",\"id\":\"" + id + "\",\"topic\":\"" + topic + "\",\"data\":{\"text\":\"" + text + "\"}}";
    }

    private static List<String> texts(List<JsonObject> events) {
        return events.stream().map(e -> e.getJsonObject("data").getString("text")).toList();
    }

    @Test
    void webSocketAndSseClientsInOneRoomSeeTheSameEventsInTheSameOrder() throws Exception {
        String topic = room + "/chat";
        try (WsClient ws = WsClient.connect(base, rest.token("alice", room));
             SseClient sse = SseClient.connect(base, rest.token("bob", room))) {
            assertEquals("alice", ws.frames.awaitType("welcome").getString("identity"));
            ws.send(subscribe("s1", topic));
            assertEquals("ack", ws.frames.awaitReply("s1").getString("type"));
            assertEquals(202, sse.send(subscribe("s2", topic)));
            assertEquals("ack", sse.frames.awaitReply("s2").getString("type"));
            List<String> expected = new ArrayList<>();
            // Text beyond ASCII (two-, three- and four-byte UTF-8) must arrive unchanged on both transports.
            String wide = " é ✓ 日本 🙂";
            for (int i = 0; i < 10; i++) {
                ws.send(publish("w" + i, topic, "ws-" + i + wide));
                expected.add("ws-" + i + wide);
                assertEquals(202, sse.send("[" + publish("a" + i, topic, "sse-" + i + wide) + "]"));
                expected.add("sse-" + i + wide);
                rest.publish(room, "chat", Rest.text("rest-" + i + wide));
                expected.add("rest-" + i + wide);
                // Each publisher's own order is fixed; wait for its ack before the next round.
                ws.frames.awaitReply("w" + i);
                sse.frames.awaitReply("a" + i);
            }
            List<JsonObject> wsEvents = ws.frames.awaitEventsUpTo(topic, 30);
            List<JsonObject> sseEvents = sse.frames.awaitEventsUpTo(topic, 30);
            assertEquals(LongStream.rangeClosed(1, 30).boxed().toList(), seqs(wsEvents));
            assertEquals(seqs(wsEvents), seqs(sseEvents));
            assertEquals(texts(wsEvents), texts(sseEvents), "one total order for both transports");
            assertEquals(new TreeSet<>(expected), new TreeSet<>(texts(wsEvents)), "every publish arrived once");
            for (JsonObject event : wsEvents) {
                String text = event.getJsonObject("data").getString("text");
                String from = text.startsWith("ws-") ? "alice" : text.startsWith("sse-") ? "bob" : "server";
                assertEquals(from, event.getString("from"), "publisher of " + text);
            }
        }
    }

    @Test
    void webSocketClientResumesAfterAForcedDropWithoutLossOrDuplicates() throws Exception {
        String topic = room + "/agent";
        String token = rest.token("alice", room);
        WsClient first = WsClient.connect(base, token);
        first.send(subscribe("s", topic));
        JsonObject ack = first.frames.awaitReply("s");
        String epoch = ack.getString("epoch");
        for (int i = 1; i <= 20; i++) {
            rest.publish(room, "agent", Rest.text("d" + i));
        }
        List<JsonObject> before = first.frames.awaitEventsUpTo(topic, 20);
        first.abort();
        for (int i = 21; i <= 50; i++) {
            rest.publish(room, "agent", Rest.text("d" + i));
        }
        long lastSeen = seqs(before).get(before.size() - 1);
        try (WsClient second = WsClient.connect(base, token)) {
            second.send(subscribeSince("again", topic, epoch, lastSeen));
            JsonObject resumed = second.frames.awaitReply("again");
            assertTrue(resumed.getBoolean("recovered"));
            List<JsonObject> after = second.frames.awaitEventsUpTo(topic, 50);
            List<Long> all = new ArrayList<>(seqs(before));
            all.addAll(seqs(after));
            assertEquals(LongStream.rangeClosed(1, 50).boxed().toList(), all, "no loss, no duplicate");
            assertTrue(second.frames.seen().stream().noneMatch(f -> "snapshot".equals(f.getString("type"))),
                    "a recovered subscription gets no snapshot");
        }
    }

    @Test
    void sseClientResumesWithLastEventIdWithoutLossOrDuplicates() throws Exception {
        String topic = room + "/chat";
        String token = rest.token("bob", room);
        SseClient first = SseClient.connect(base, token);
        first.send(subscribe("s", topic));
        first.frames.awaitReply("s");
        for (int i = 1; i <= 15; i++) {
            rest.publish(room, "chat", Rest.text("m" + i));
        }
        List<JsonObject> before = first.frames.awaitEventsUpTo(topic, 15);
        String lastEventId = first.lastEventId();
        first.close();
        for (int i = 16; i <= 40; i++) {
            rest.publish(room, "chat", Rest.text("m" + i));
        }
        try (SseClient second = SseClient.reconnect(base, token, lastEventId)) {
            assertEquals(first.sessionId, second.sessionId, "the session was resumed");
            List<JsonObject> after = second.frames.awaitEventsUpTo(topic, 40);
            List<Long> all = new ArrayList<>(seqs(before));
            all.addAll(seqs(after));
            assertEquals(LongStream.rangeClosed(1, 40).boxed().toList(), all, "no loss, no duplicate");
            // The resumed session keeps its subscription: new events keep coming without a new subscribe.
            rest.publish(room, "chat", Rest.text("m41"));
            assertEquals(41, seqs(second.frames.awaitEventsUpTo(topic, 41)).get(after.size()));
        }
    }

    @Test
    void malformedFramesGetTypedErrorsAndTheConnectionStaysUsable() throws Exception {
        try (WsClient ws = WsClient.connect(base, rest.token("alice", room));
             SseClient sse = SseClient.connect(base, rest.token("bob", room))) {
            ws.frames.awaitType("welcome");
            ws.send("{not json");
            assertEquals("bad_request", ws.frames.awaitType("error").getString("code"));
            ws.send("{\"type\":\"teleport\",\"id\":\"t1\"}");
            JsonObject unknown = ws.frames.awaitReply("t1");
            assertEquals("unknown_type", unknown.getString("code"));
            ws.send("{\"type\":\"publish\",\"id\":\"p1\",\"topic\":\"" + room + "/chat\"}");
            assertEquals("bad_request", ws.frames.awaitReply("p1").getString("code"));
            ws.send("{\"id\":\"big\",\"type\":\"publish\",\"topic\":\"" + room + "/chat\",\"data\":\""
                    + "x".repeat(70_000) + "\"}");
            assertEquals("too_large", ws.frames.awaitReply("big").getString("code"));
            ws.send(subscribe("ok", room + "/chat"));
            assertEquals("ack", ws.frames.awaitReply("ok").getString("type"));

            assertEquals(400, sse.send("{not json"));
            assertEquals("bad_request", sse.frames.awaitType("error").getString("code"));
            assertEquals(202, sse.send("[{\"type\":\"teleport\",\"id\":\"t2\"}," + subscribe("ok2", room + "/chat") + "]"));
            assertEquals("unknown_type", sse.frames.awaitReply("t2").getString("code"));
            assertEquals("ack", sse.frames.awaitReply("ok2").getString("type"));
            rest.publish(room, "chat", Rest.text("after errors"));
            assertEquals(List.of(1L), seqs(ws.frames.awaitEventsUpTo(room + "/chat", 1)));
            assertEquals(List.of(1L), seqs(sse.frames.awaitEventsUpTo(room + "/chat", 1)));
        }
    }

    @Test
    void aTokenForOneRoomCannotSubscribeOrPublishInAnother() throws Exception {
        String other = room + "x";
        try (WsClient ws = WsClient.connect(base, rest.token("mallory", room))) {
            ws.frames.awaitType("welcome");
            ws.send(subscribe("s", other + "/chat"));
            JsonObject refused = ws.frames.awaitReply("s");
            assertEquals("forbidden", refused.getString("code"));
            ws.send(publish("p", other + "/chat", "intrusion"));
            assertEquals("forbidden", ws.frames.awaitReply("p").getString("code"));
            ws.send(subscribe("s2", "../" + other + "/chat"));
            assertEquals("bad_request", ws.frames.awaitReply("s2").getString("code"));
            Rest.Reply history = rest.get("api/v1/rooms/" + other + "/channels/chat/events");
            assertEquals(0, history.body().getJsonArray("events").size(), "nothing was published");
            rest.publish(other, "chat", Rest.text("secret"));
            ws.send(subscribe("s3", room + "/chat"));
            ws.frames.awaitReply("s3");
            assertTrue(ws.frames.seen().stream().noneMatch(f -> "event".equals(f.getString("type"))),
                    "no event of another room reached the connection");
        }
    }

    @Test
    void connectionsWithoutAValidTokenAreRefused() throws Exception {
        try (WsClient ws = WsClient.connectAnonymous(base)) {
            ws.send(subscribe("s", room + "/chat"));
            assertEquals("unauthorized", ws.frames.awaitReply("s").getString("code"));
            ws.send("{\"type\":\"hello\",\"id\":\"h\",\"token\":\"not-a-token\"}");
            assertEquals("unauthorized", ws.frames.awaitReply("h").getString("code"));
            assertEquals(4401, ws.closed.get(30, java.util.concurrent.TimeUnit.SECONDS));
        }
        try (WsClient ws = WsClient.connectAnonymous(base)) {
            ws.send("{\"type\":\"hello\",\"id\":\"h\",\"token\":\"" + rest.token("alice", room) + "\"}");
            JsonObject welcome = ws.frames.awaitType("welcome");
            assertEquals("h", welcome.getString("id"));
            assertEquals(List.of(room), welcome.getJsonArray("rooms").getValuesAs(jakarta.json.JsonString.class)
                    .stream().map(jakarta.json.JsonString::getString).toList());
        }
        Rest.Reply noKey = rest.send(java.net.http.HttpRequest.newBuilder(base.resolve("api/v1/tokens"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"identity\":\"x\",\"rooms\":[\"r\"]}")).build());
        assertEquals(401, noKey.status());
        assertEquals("unauthorized", noKey.body().getString("code"));
        assertFalse(base.toString().isEmpty());
    }
}

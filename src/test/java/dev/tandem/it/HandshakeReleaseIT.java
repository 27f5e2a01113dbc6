package dev.tandem.it;

import static dev.tandem.it.ReceivedFrames.seqs;
import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.JsonObject;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * After the first frame, Payara's WebSocket connections drop what the container kept of their handshake
 * (header fields, query scratch buffers, Tyrus's copy of the request: {@code GrizzlyUpgradeRelease}).
 * The connections must go on working both ways, and the container's request objects, which it recycles
 * for later requests once such a socket closes, must still parse query strings and headers.
 */
class HandshakeReleaseIT extends DeployedTest {
    private static final int SOCKETS = 24;
    private static final int HEADERS = 24;

    @Override
    String roomPrefix() {
        return "h";
    }

    @Test
    void connectionsWorkAfterTheirFirstFrameAndRecycledRequestsStillParseQueriesAndHeaders() throws Exception {
        String topic = room + "/chat";
        for (int round = 0; round < 2; round++) {
            List<WsClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < SOCKETS; i++) {
                    WsClient ws = WsClient.connect(base, rest.token("user" + i, room));
                    clients.add(ws);
                    ws.frames.awaitType("welcome");
                    ws.send("{\"type\":\"subscribe\",\"id\":\"s\",\"topic\":\"" + topic + "\"}");
                    assertEquals("ack", ws.frames.awaitReply("s").getString("type"));
                }
                long first = rest.publish(room, "chat", Rest.text("round " + round + " from rest"));
                WsClient publisher = clients.get(round);
                publisher.send("{\"type\":\"publish\",\"id\":\"p\",\"topic\":\"" + topic
                        + "\",\"data\":{\"text\":\"round " + round + " from a socket\"}}");
                assertEquals("ack", publisher.frames.awaitReply("p").getString("type"));
                for (WsClient ws : clients) {
                    List<JsonObject> events = ws.frames.awaitEventsUpTo(topic, first + 1);
                    assertEquals(List.of(first, first + 1), seqs(events), "live events, each once, in order");
                    assertEquals("round " + round + " from a socket",
                            events.get(events.size() - 1).getJsonObject("data").getString("text"));
                }
            } finally {
                clients.forEach(WsClient::close);
            }
            // Plain requests, many of them on the container's recycled request objects: a percent-encoded
            // query (decoded in the scratch buffers) and more header fields than a fresh request holds.
            long last = 2L * (round + 1);
            for (int i = 0; i < 60; i++) {
                HttpRequest.Builder get = HttpRequest.newBuilder(base.resolve("api/v1/rooms/" + room
                        + "/channels/chat/events?since=%30&limit=%31%30%30&note=a%20b%2Bc"))
                        .header("Authorization", "Bearer " + Rest.API_KEY).GET();
                for (int h = 0; h < HEADERS; h++) {
                    get.header("X-Tandem-Check-" + h, "value-" + i + "-" + h);
                }
                Rest.Reply history = rest.send(get.build());
                assertEquals(200, history.status(), "history " + i + ": " + history);
                assertEquals(last, history.body().getJsonArray("events").size(), "events after round " + round);
                assertEquals(last, history.body().getJsonNumber("seq").longValue());
            }
        }
    }
}

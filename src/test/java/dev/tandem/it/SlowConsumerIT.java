package dev.tandem.it;

import static dev.tandem.it.ReceivedFrames.seqs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading is cut with slow_consumer while the others receive everything; it then
 * resumes from its last seq. The server runs with small outbox bounds (256 frames / 256 KiB, see pom).
 */
class SlowConsumerIT extends DeployedTest {
    private static final int EVENTS = 1500;

    @Test
    void aSlowConsumerIsCutWhileTheOthersKeepReceiving() throws Exception {
        String topic = room + "/agent";
        String payload = "x".repeat(8000);
        try (RawWsClient slow = new RawWsClient(base, rest.token("slow", room));
             WsClient publisher = WsClient.connect(base, rest.token("agent", room));
             WsClient fast = WsClient.connect(base, rest.token("fast", room));
             SseClient sse = SseClient.connect(base, rest.token("sse", room))) {
            slow.send("{\"type\":\"subscribe\",\"id\":\"s\",\"topic\":\"" + topic + "\"}");
            slow.read(3);
            JsonObject ack = slow.frames.awaitReply("s");
            String epoch = ack.getString("epoch");
            fast.send("{\"type\":\"subscribe\",\"id\":\"s\",\"topic\":\"" + topic + "\"}");
            fast.frames.awaitReply("s");
            sse.send("{\"type\":\"subscribe\",\"id\":\"s\",\"topic\":\"" + topic + "\"}");
            sse.frames.awaitReply("s");
            // The slow client now stops reading. Its kernel buffers hold a few MB, the outbox 256 KiB.
            // Paced by the healthy readers (at most 8 events ahead of them), so on a loaded machine they
            // never fall 256 KiB behind; only the client that stopped reading overflows.
            for (int i = 1; i <= EVENTS; i++) {
                if (i > 8 && i % 4 == 0) {
                    fast.frames.awaitEventsUpTo(topic, i - 8);
                    sse.frames.awaitEventsUpTo(topic, i - 8);
                }
                publisher.send("{\"type\":\"publish\",\"id\":\"p" + i + "\",\"topic\":\"" + topic
                        + "\",\"data\":{\"n\":" + i + ",\"pad\":\"" + payload + "\"}}");
            }
            List<Long> all = LongStream.rangeClosed(1, EVENTS).boxed().toList();
            assertEquals(all, seqs(fast.frames.awaitEventsUpTo(topic, EVENTS)), "the fast WebSocket got everything");
            assertEquals(all, seqs(sse.frames.awaitEventsUpTo(topic, EVENTS)), "the SSE client got everything");

            slow.readToEnd();
            int closeCode = slow.closed.get(60, TimeUnit.SECONDS);
            List<JsonObject> seen = slow.frames.seen();
            boolean toldBye = slow.frames.seen().stream().anyMatch(f -> "bye".equals(f.getString("type"))
                    && "slow_consumer".equals(f.getString("code")) && f.getBoolean("reconnect"));
            assertTrue(toldBye || closeCode == 4008, "cut as slow consumer (close " + closeCode + ", bye " + toldBye + ")");
            List<Long> received = seqs(slow.frames.events(topic));
            assertTrue(received.size() < EVENTS, "the slow client was cut before the end: " + received.size());
            assertEquals(LongStream.rangeClosed(1, received.size()).boxed().toList(), received,
                    "what it got is a gap-free prefix");
            assertTrue(seen.size() > 0);

            long lastSeq = received.isEmpty() ? 0 : received.get(received.size() - 1);
            try (WsClient again = WsClient.connect(base, rest.token("slow", room))) {
                again.send("{\"type\":\"subscribe\",\"id\":\"r\",\"topic\":\"" + topic + "\",\"since\":{\"epoch\":\""
                        + epoch + "\",\"seq\":" + lastSeq + "}}");
                // The gap (over a thousand 8 KB events) is larger than the outbox may take at once:
                // the client is told so with a reset and gets a fresh snapshot, then live events.
                JsonObject resumed = again.frames.awaitReply("r");
                assertEquals(false, resumed.getBoolean("recovered"), resumed.toString());
                assertEquals("gap_too_large", again.frames.awaitType("reset").getString("reason"));
                JsonObject snapshot = again.frames.awaitType("snapshot");
                assertEquals(EVENTS, snapshot.getInt("seq"));
                publisher.send("{\"type\":\"publish\",\"id\":\"last\",\"topic\":\"" + topic + "\",\"data\":{\"n\":0}}");
                assertEquals(List.of((long) EVENTS + 1), seqs(again.frames.awaitEventsUpTo(topic, EVENTS + 1)));
            }
        }
    }
}

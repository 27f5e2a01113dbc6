package dev.tandem.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A WebSocket client that only listens gets, with every heartbeat (20 s), a {@code ping} frame and a ping
 * control frame; its automatic pong is traffic the container sees, so WildFly's read timeout (90 s by
 * default) does not cut it (bench/PROFILING.md, "Listening clients on WildFly, session 11").
 */
class KeepAliveIT extends DeployedTest {

    @Override
    String roomPrefix() {
        return "k";
    }

    @Test
    void aListeningClientGetsPingControlFramesWithTheHeartbeatAndStaysConnected() throws Exception {
        String topic = room + "/chat";
        try (WsClient ws = WsClient.connect(base, rest.token("lena", room))) {
            long heartbeatMs = ws.frames.awaitType("welcome").getJsonNumber("heartbeatMs").longValue();
            ws.send("{\"type\":\"subscribe\",\"id\":\"s\",\"topic\":\"" + topic + "\"}");
            assertEquals("ack", ws.frames.awaitReply("s").getString("type"));
            long deadline = System.nanoTime() + Duration.ofMillis(heartbeatMs + 10_000).toNanos();
            while (ws.pings.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(ws.pings.get() >= 1, "a ping control frame within one heartbeat (" + heartbeatMs + " ms)");
            assertEquals("ping", ws.frames.awaitType("ping").getString("type"), "and the protocol's ping frame");
            long seq = rest.publish(room, "chat", Rest.text("still here"));
            assertEquals("still here", ws.frames.awaitEventsUpTo(topic, seq).get(0).getJsonObject("data").getString("text"));
            assertFalse(ws.closed.isDone(), "the connection stays open");
        }
    }
}

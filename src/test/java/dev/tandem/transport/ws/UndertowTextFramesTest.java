package dev.tandem.transport.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UndertowTextFramesTest {

    private static String payloadText(String text) {
        ByteBuffer payload = UndertowTextFrames.payloadOf(ByteBuffer.wrap(TextFrames.frame(text)));
        return StandardCharsets.UTF_8.decode(payload).toString();
    }

    @Test
    void thePayloadIsTheTextBehindEachHeaderLength() {
        String small = "{\"type\":\"event\",\"data\":\"één 二 🙂\"}";
        String medium = "m".repeat(300) + "é";
        String large = "L".repeat(70_000) + "🙂";
        assertEquals(small, payloadText(small), "2-byte header (payload < 126 bytes)");
        assertEquals(medium, payloadText(medium), "4-byte header (payload < 65,536 bytes)");
        assertEquals(large, payloadText(large), "10-byte header");
        assertEquals("", payloadText(""));
        assertEquals("x".repeat(125), payloadText("x".repeat(125)), "largest 2-byte header");
        assertEquals("x".repeat(126), payloadText("x".repeat(126)), "smallest 4-byte header");
    }

    /** A session with Undertow's accessor whose channel comes from a loader without Undertow. */
    public static final class ForeignSession {
        public Object getWebSocketChannel() {
            return new Object();
        }
    }

    @Test
    void sessionsWithoutUndertowsChannelGetNoSender() {
        assertNull(UndertowTextFrames.of(new Object()), "no getWebSocketChannel");
        assertNull(UndertowTextFrames.of(new ForeignSession()), "no Undertow classes beside the channel");
    }
}

package dev.tandem.transport.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SseEventsTest {
    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void anEventIsItsIdThenItsDataThenABlankLine() {
        assertEquals("id: s1:42\ndata: {\"type\":\"event\",\"seq\":3}\n\n",
                text(SseEvents.event("s1:42", "{\"type\":\"event\",\"seq\":3}")));
    }

    @Test
    void anEventWithoutPositionHasNoId() {
        assertEquals("data: {\"type\":\"ack\"}\n\n", text(SseEvents.event(null, "{\"type\":\"ack\"}")));
    }

    @Test
    void everyKindOfLineBreakStartsANewDataLine() {
        assertEquals("data: a\ndata: b\ndata: c\ndata: d\ndata: \n\n", text(SseEvents.event(null, "a\nb\r\nc\rd\n")));
    }

    @Test
    void aMultiLineEventKeepsItsId() {
        assertEquals("id: s9:1\ndata: a\ndata: b\n\n", text(SseEvents.event("s9:1", "a\nb")));
    }

    @Test
    void dataIsUtf8WithAndWithoutAnId() {
        assertEquals("id: s:2\ndata: {\"t\":\"é✓\"}\n\n", text(SseEvents.event("s:2", "{\"t\":\"é✓\"}")));
        assertEquals("data: é✓\ndata: x\n\n", text(SseEvents.event(null, "é✓\nx")));
    }

    @Test
    void dataIsUtf8() {
        byte[] bytes = SseEvents.event(null, "é✓");
        assertEquals("data: é✓\n\n", text(bytes));
        assertEquals(6 + 2 + 3 + 2, bytes.length);
    }

    @Test
    void aPingIsACommentEventSourceIgnores() {
        assertEquals(": ping\n\n", text(SseEvents.PING));
    }

    @Test
    void aChunkIsItsSizeInHexThenTheBytesEachLineEndedByCrLf() {
        assertEquals("8\r\n: ping\n\n\r\n", text(SseEvents.chunk(SseEvents.PING)));
        byte[] event = SseEvents.event("s:12", "x".repeat(300));
        String chunk = text(SseEvents.chunk(event));
        assertEquals(Integer.toHexString(event.length) + "\r\n" + text(event) + "\r\n", chunk);
        assertEquals("13d\r\n", chunk.substring(0, 5), "317 bytes");
    }
}

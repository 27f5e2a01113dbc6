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

    @Test
    void aChunkedEventIsTheEventAsOneChunk() {
        assertEquals(text(SseEvents.chunk(SseEvents.event("s:3", "{\"n\":1}"))), text(SseEvents.chunkedEvent("s:3", "{\"n\":1}")));
        assertEquals(text(SseEvents.chunk(SseEvents.event(null, "é"))), text(SseEvents.chunkedEvent(null, "é")));
        assertEquals(text(SseEvents.chunk(SseEvents.event("s:4", "a\nb"))), text(SseEvents.chunkedEvent("s:4", "a\nb")));
        assertEquals(text(SseEvents.chunk(SseEvents.PING)), text(SseEvents.CHUNKED_PING));
    }

    @Test
    void theSameFrameGivesTheSameBytesForEverySubscriberAndAnotherFrameItsOwn() {
        String frame = "{\"type\":\"event\",\"data\":\"ü\"}";
        assertEquals("id: a:1\ndata: " + frame + "\n\n", text(SseEvents.event("a:1", frame)));
        assertEquals("id: b:7\ndata: " + frame + "\n\n", text(SseEvents.event("b:7", frame)));
        String other = new String(frame.replace('ü', 'x'));
        assertEquals("data: " + other + "\n\n", text(SseEvents.event(null, other)));
        assertEquals("data: " + frame + "\n\n", text(SseEvents.event(null, frame)));
    }
}

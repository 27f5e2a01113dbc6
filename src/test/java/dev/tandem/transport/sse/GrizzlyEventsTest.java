package dev.tandem.transport.sse;

import static dev.tandem.transport.container.GrizzlyLookalikes.OUTPUT_BUFFER;
import static dev.tandem.transport.ws.grizzlylike.RecordedQueue.LOOKALIKES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.transport.container.GrizzlyLookalikes.CatalinaOutputBuffer;
import dev.tandem.transport.container.GrizzlyLookalikes.GrizzlyOutputBuffer;
import dev.tandem.transport.container.GrizzlyLookalikes.ResponseHeader;
import dev.tandem.transport.container.GrizzlyWriteQueue;
import dev.tandem.transport.sse.SseSendBuffersTest.CoyoteOutputStream;
import dev.tandem.transport.sse.SseSendBuffersTest.UndertowOutputStream;
import dev.tandem.transport.ws.grizzlylike.RecordedQueue.GrizzlyConnection;
import dev.tandem.transport.ws.grizzlylike.RecordedQueue.QueueWriter;
import dev.tandem.transport.ws.grizzlylike.RecordedQueue.SSLFilter;
import dev.tandem.transport.ws.grizzlylike.RecordedQueue.Transport;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@link GrizzlyEvents} against look-alikes of Catalina's and Grizzly's classes. */
class GrizzlyEventsTest {
    private final QueueWriter queue = new QueueWriter();

    private CoyoteOutputStream stream(Object header, List<?> filters) {
        GrizzlyConnection connection = new GrizzlyConnection(filters, new Transport(queue));
        return new CoyoteOutputStream(new CatalinaOutputBuffer(new GrizzlyOutputBuffer(64, header, connection)));
    }

    @Test
    void aChunkedResponseGetsItsEventsAsChunksOnTheConnectionsWriteQueue() {
        GrizzlyWriteQueue.Writer writer = GrizzlyEvents.of(stream(new ResponseHeader(true), List.of()), OUTPUT_BUFFER, LOOKALIKES);
        assertNotNull(writer);
        queue.immediate = false;
        CompletableFuture<?> written = writer.write(ByteBuffer.wrap(SseEvents.chunk(SseEvents.event("s:1", "{}"))))
                .toCompletableFuture();
        assertEquals(List.of("12\r\nid: s:1\ndata: {}\n\n\r\n"), queue.written, "18 bytes in one chunk");
        assertFalse(written.isDone(), "done when Grizzly has written it");
        queue.handlers.get(0).completed(null);
        assertTrue(written.isDone() && !written.isCompletedExceptionally());
    }

    @Test
    void otherResponsesAndConnectionsKeepTheServletOutputStream() {
        assertNull(GrizzlyEvents.of(stream(new ResponseHeader(false), List.of()), OUTPUT_BUFFER, LOOKALIKES),
                "not chunked (HTTP/1.0, HTTP/2, a length): Grizzly frames the body");
        assertNull(GrizzlyEvents.of(stream(null, List.of()), OUTPUT_BUFFER, LOOKALIKES), "no response header");
        assertNull(GrizzlyEvents.of(stream(new ResponseHeader(true), List.of(new SSLFilter())), OUTPUT_BUFFER, LOOKALIKES),
                "TLS: bytes must go through its filter");
        assertNull(GrizzlyEvents.of(stream(new ResponseHeader(true), List.of()), "org.example.OtherBuffer", LOOKALIKES),
                "not Grizzly's output buffer");
        assertNull(GrizzlyEvents.of(new UndertowOutputStream(), OUTPUT_BUFFER, LOOKALIKES), "not Catalina's stream");
        assertTrue(queue.written.isEmpty());
    }
}

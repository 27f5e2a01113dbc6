package dev.tandem.transport.ws;

import static dev.tandem.transport.ws.grizzlylike.RecordedQueue.LOOKALIKES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.transport.ws.grizzlylike.RecordedQueue.GrizzlyConnection;
import dev.tandem.transport.ws.grizzlylike.RecordedQueue.QueueWriter;
import dev.tandem.transport.ws.grizzlylike.RecordedQueue.SSLFilter;
import dev.tandem.transport.ws.grizzlylike.RecordedQueue.Transport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** {@link GrizzlyFrames} against look-alikes of the Grizzly classes it reaches by reflection. */
class GrizzlyFramesTest {
    private static ByteBuffer frame(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void framesGoOnTheConnectionsWriteQueueInOrderAndEachStageCompletesWithItsOwnWrite() throws Exception {
        QueueWriter writer = new QueueWriter();
        GrizzlyConnection connection = new GrizzlyConnection(List.of(new Object(), new Object()), new Transport(writer));
        RawFrames.Sender sender = GrizzlyFrames.forConnection(connection, LOOKALIKES);
        assertNotNull(sender);

        CompletionStage<?> first = sender.send(frame("one"));
        assertTrue(first.toCompletableFuture().isDone(), "a write Grizzly completes at once is done on return");
        writer.immediate = false;
        CompletableFuture<?> second = sender.send(frame("two")).toCompletableFuture();
        assertFalse(second.isDone(), "done only when Grizzly says the frame is written");
        writer.handlers.get(1).updated(null);
        assertFalse(second.isDone(), "part of a frame written is not the frame written");
        writer.handlers.get(1).completed(null);
        assertTrue(second.isDone() && !second.isCompletedExceptionally());

        assertEquals(List.of("one", "two"), writer.written);
        assertSame(connection, writer.connection);
        assertEquals(2, writer.destinations.stream().filter(d -> d == null).count(), "to the connection's own peer");
        assertEquals(2, writer.cloners.stream().filter(c -> c == null).count(), "the frame's array is never reused");
    }

    @Test
    void aFailedWriteFailsItsStage() throws Exception {
        QueueWriter writer = new QueueWriter();
        writer.immediate = false;
        RawFrames.Sender sender = GrizzlyFrames.forConnection(new GrizzlyConnection(List.of(), new Transport(writer)), LOOKALIKES);
        CompletableFuture<?> write = sender.send(frame("x")).toCompletableFuture();
        IOException closed = new IOException("connection closed");
        writer.handlers.get(0).failed(closed);
        assertTrue(write.isCompletedExceptionally());
        assertSame(closed, write.handle((ok, error) -> error).get());
        CompletableFuture<?> next = sender.send(frame("y")).toCompletableFuture();
        writer.handlers.get(1).completed(null);
        assertTrue(next.isDone() && !next.isCompletedExceptionally(), "the failed write does not take the next one's completion");
    }

    @Test
    void noDirectWritesUnderTlsOrWhereTheChainOrTheQueueIsNotAsExpected() throws Exception {
        QueueWriter writer = new QueueWriter();
        assertNull(GrizzlyFrames.forConnection(new GrizzlyConnection(List.of(new Object(), new SSLFilter()),
                new Transport(writer)), LOOKALIKES), "a TLS filter in the chain: frames must go through it");
        assertNull(GrizzlyFrames.forConnection(new GrizzlyConnection(new Object(), new Transport(writer)), LOOKALIKES),
                "a chain that cannot be inspected");
        assertNull(GrizzlyFrames.forConnection(new GrizzlyConnection(List.of(), new Object()), LOOKALIKES),
                "a transport without an async write queue");
        assertNull(GrizzlyFrames.forConnection(new Object() { }, LOOKALIKES), "not a Grizzly connection");
        assertNull(GrizzlyFrames.of(new Object()), "no path from a session that is not Tyrus's");
        assertTrue(writer.written.isEmpty());
    }
}

package dev.tandem.transport.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import org.junit.jupiter.api.Test;

public class RawFramesTest {
    /** Shaped like Tyrus's TyrusFuture: a CompletableFuture the writer completes. */
    public static final class WriteFuture extends CompletableFuture<Object> {
    }

    /** Shaped like TyrusWebSocket: a public sendRawFrame(ByteBuffer) returning a Future. */
    public static final class WebSocket {
        final List<ByteBuffer> written = new ArrayList<>();
        final List<WriteFuture> futures = new ArrayList<>();

        public Future<Object> sendRawFrame(ByteBuffer frame) {
            written.add(frame);
            WriteFuture future = new WriteFuture();
            futures.add(future);
            return future;
        }
    }

    /** A websocket whose futures cannot be waited on without blocking. */
    public static final class OldWebSocket {
        public Future<Object> sendRawFrame(ByteBuffer frame) {
            return new FutureTask<>(() -> null);
        }
    }

    /** TyrusRemoteEndpoint.Async: holds the websocket. */
    static final class Remote {
        final Object webSocket;

        Remote(Object webSocket) {
            this.webSocket = webSocket;
        }
    }

    /** TyrusSession. */
    static final class Session {
        final Remote asyncRemote;

        Session(Object webSocket) {
            this.asyncRemote = new Remote(webSocket);
        }
    }

    @Test
    void sendsTheReadyFrameAndCompletesWhenTheContainerHasWrittenIt() {
        WebSocket webSocket = new WebSocket();
        RawFrames.Sender sender = RawFrames.find(new Session(webSocket), WriteFuture.class.getName());
        assertNotNull(sender);
        ByteBuffer frame = ByteBuffer.wrap(TextFrames.frame("{\"type\":\"event\"}"));
        CompletionStage<?> sent = sender.send(frame);
        assertEquals(1, webSocket.written.size());
        assertSame(frame, webSocket.written.get(0));
        assertSame(webSocket.futures.get(0), sent, "the container's own future: no wrapper per write");
        assertFalse(sent.toCompletableFuture().isDone(), "not done until the container says so");
        webSocket.futures.get(0).complete(null);
        assertTrue(sent.toCompletableFuture().isDone());
    }

    @Test
    void noSenderWhereTheFutureCannotBeWaitedOnOrThereIsNoWebSocket() {
        assertNull(RawFrames.find(new Session(new OldWebSocket()), FutureTask.class.getName()),
                "a plain Future would need a blocked thread per write");
        assertNull(RawFrames.find(new Session(new WebSocket()), "org.example.NoSuchFuture"));
        assertNull(RawFrames.find(new Object(), WriteFuture.class.getName()), "an Undertow-like session");
        assertNull(RawFrames.find(new Session(new Object()), WriteFuture.class.getName()), "no sendRawFrame");
    }
}

package dev.tandem.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A WebSocket test client (java.net.http) that records every frame; it can stop reading to play a slow consumer. */
public final class WsClient implements AutoCloseable {
    public final ReceivedFrames frames = new ReceivedFrames();
    public final CompletableFuture<Integer> closed = new CompletableFuture<>();
    /** Ping control frames received (java.net.http answers each with a pong by itself). */
    public final AtomicInteger pings = new AtomicInteger();
    private final WebSocket socket;
    private final StringBuilder partial = new StringBuilder();
    private volatile boolean reading = true;

    private WsClient(URI uri) throws Exception {
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(uri, new Listener()).get(30, TimeUnit.SECONDS);
    }

    /** Connects with the token in the URL; the server answers with welcome. */
    public static WsClient connect(URI base, String token) throws Exception {
        return new WsClient(wsUri(base, "api/realtime?token=" + token));
    }

    /** Connects without a token; the first frame must be hello. */
    public static WsClient connectAnonymous(URI base) throws Exception {
        return new WsClient(wsUri(base, "api/realtime"));
    }

    private static URI wsUri(URI base, String path) {
        return URI.create(base.toString().replaceFirst("^http", "ws") + path);
    }

    public void send(String frame) {
        socket.sendText(frame, true).join();
    }

    public void sendBinary(byte[] data) {
        socket.sendBinary(ByteBuffer.wrap(data), true).join();
    }

    /** Stops taking frames from the socket, so the server's writes back up. */
    public void stopReading() {
        reading = false;
    }

    public void resumeReading() {
        reading = true;
        socket.request(Long.MAX_VALUE);
    }

    /** Drops the TCP connection without a close handshake. */
    public void abort() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS)
                    .exceptionally(e -> null).join();
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.addText(partial.toString());
                partial.setLength(0);
            }
            if (reading) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            pings.incrementAndGet();
            if (reading) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }
    }
}

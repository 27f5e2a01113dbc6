package dev.tandem.transport.sse;

import dev.tandem.protocol.ErrorCode;
import dev.tandem.session.Connection;
import dev.tandem.session.SessionRegistry.ResumePoint;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A JAX-RS SSE stream as a {@link Connection}. Each reliable frame is one event whose id is the
 * session's resume position ({@code <session>:<position>}); heartbeat pings become comments.
 */
final class SseConnection implements Connection {
    private static final String PING_PREFIX = "{\"type\":\"ping\"";

    private final SseEventSink sink;
    private final Sse sse;
    private volatile String sessionId;

    SseConnection(SseEventSink sink, Sse sse) {
        this.sink = sink;
        this.sse = sse;
    }

    @Override
    public void bind(String id) {
        this.sessionId = id;
    }

    @Override
    public CompletionStage<?> write(String text, long position) {
        if (sink.isClosed()) {
            return CompletableFuture.failedFuture(new IOException("event stream closed"));
        }
        OutboundSseEvent event;
        if (position < 0 && text.startsWith(PING_PREFIX)) {
            event = sse.newEventBuilder().comment("ping").build();
        } else {
            // As bytes: a String goes through the JAX-RS runtime's text writer, which on Jersey allocates an
            // OutputStreamWriter with an 8 KB buffer per event (bench/PROFILING.md, "SSE on Payara, session 10").
            OutboundSseEvent.Builder builder = sse.newEventBuilder()
                    .data(byte[].class, text.getBytes(StandardCharsets.UTF_8))
                    .mediaType(MediaType.TEXT_PLAIN_TYPE);
            if (position >= 0 && sessionId != null) {
                builder.id(ResumePoint.format(sessionId, position));
            }
            event = builder.build();
        }
        try {
            return sink.send(event);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void close(ErrorCode code, String message) {
        try {
            sink.close();
        } catch (RuntimeException e) {
            // The stream is gone already.
        }
    }

    @Override
    public boolean unidirectional() {
        return true;
    }
}

package dev.tandem.session;

import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.Frame;
import dev.tandem.protocol.Frames;
import dev.tandem.protocol.ProtocolException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What a transport talks to for one connection: authenticates it (token from the URL, or a
 * {@code hello} frame), then hands every frame to its session. Transports hold no other logic.
 */
public final class ConnectionHandler {
    private final SessionRegistry registry;
    private final Connection connection;
    private volatile ClientSession session;
    /** Replies sent before a session exists are chained so that only one write is in flight. */
    private CompletionStage<?> lastDirectWrite = CompletableFuture.completedFuture(null);

    public ConnectionHandler(SessionRegistry registry, Connection connection) {
        this.registry = registry;
        this.connection = connection;
    }

    /**
     * Authenticates with a token given at connect time. Returns false, after telling the client why
     * and closing, when the token is refused.
     */
    public boolean open(String token, String resume) {
        try {
            session = registry.open(token, resume, connection, null);
            return true;
        } catch (ProtocolException e) {
            refuse(e);
            return false;
        }
    }

    /**
     * Authenticates with a token given at connect time and throws, changing nothing on the connection,
     * when the token or the connection is refused: for transports that answer a refusal with an HTTP
     * status before the stream starts (SSE: {@code EventSource} stops retrying on 4xx).
     */
    public void openOrThrow(String token, String resume) {
        session = registry.open(token, resume, connection, null);
    }

    /** One text frame from the client. Until authenticated only {@code hello} is accepted. */
    public void onText(String text) {
        ClientSession current = session;
        if (current != null) {
            current.receive(text);
            return;
        }
        Frame.Request request;
        try {
            request = registry.codec().decodeBeforeAuthentication(text);
        } catch (ProtocolException e) {
            sendDirect(e.toFrame());
            return;
        }
        if (!(request instanceof Frames.Hello hello)) {
            sendDirect(new Frames.Error(request.id(), ErrorCode.UNAUTHORIZED.wire(),
                    "send hello with a join token first"));
            return;
        }
        CompletionStage<?> repliesSoFar;
        synchronized (this) {
            repliesSoFar = lastDirectWrite;
        }
        try {
            // Replies to frames before hello may still be being written: the session's first write waits for them.
            session = registry.open(hello.token(), null, connection, hello.id(), repliesSoFar);
        } catch (ProtocolException e) {
            refuse(e.withRequestId(hello.id()));
        }
    }

    /** A message the protocol has no place for (a binary WebSocket message): {@code bad_request}, nothing changes. */
    public void onUnsupported(String why) {
        Frames.Error error = new Frames.Error(null, ErrorCode.BAD_REQUEST.wire(), why);
        ClientSession current = session;
        if (current != null) {
            current.reply(error);
        } else {
            sendDirect(error);
        }
    }

    /** The transport saw the connection end. */
    public void onClosed() {
        ClientSession current = session;
        if (current != null) {
            current.connectionClosed(connection);
        }
    }

    public ClientSession session() {
        return session;
    }

    private void refuse(ProtocolException e) {
        sendDirect(e.toFrame()).whenComplete((ignored, error) -> connection.close(e.code(), e.getMessage()));
    }

    private synchronized CompletionStage<?> sendDirect(Frame frame) {
        String text = registry.codec().encode(frame);
        lastDirectWrite = lastDirectWrite.handle((ignored, error) -> null)
                .thenCompose(ignored -> connection.write(text, -1));
        return lastDirectWrite;
    }
}

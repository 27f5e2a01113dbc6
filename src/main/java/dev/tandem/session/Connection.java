package dev.tandem.session;

import dev.tandem.auth.Principal;
import dev.tandem.hub.Outbox;
import dev.tandem.protocol.ErrorCode;

/**
 * The contract a transport (WebSocket, SSE) fulfils: write one frame at a time, and end the
 * connection with a reason. Writes are never issued concurrently on one connection.
 */
public interface Connection extends Outbox.Sink {
    /** Ends the connection (WebSocket close code / end of the SSE stream). Idempotent. */
    void close(ErrorCode code, String message);

    /**
     * The token was verified, before the welcome is written: the transport may take larger frames from a
     * principal that may write documents (doc.sync / doc.ops up to tandem.maxDocumentFrameBytes).
     */
    default void authenticated(Principal principal) {
    }

    /** Tells the transport which session it carries, before the first write (SSE event ids name it). */
    default void bind(String sessionId) {
    }

    /**
     * Called with every heartbeat while the session has this connection: asks the client for an answer
     * below the protocol, so that a client that only listens still sends something. WebSocket: a ping
     * control frame, which every client answers with a pong (RFC 6455, 5.5.2); containers that drop
     * sockets on which nothing arrives for a while (WildFly: a 90 s read timeout by default) see that
     * pong. SSE has no way back on the stream and needs none (the request is not being read).
     */
    default void keepAlive() {
    }

    /** SSE: the client's frames arrive by POST, not on this connection. */
    boolean unidirectional();
}

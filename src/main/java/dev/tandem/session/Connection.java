package dev.tandem.session;

import dev.tandem.hub.Outbox;
import dev.tandem.protocol.ErrorCode;

/**
 * The contract a transport (WebSocket, SSE) fulfils: write one frame at a time, and end the
 * connection with a reason. Writes are never issued concurrently on one connection.
 */
public interface Connection extends Outbox.Sink {
    /** Ends the connection (WebSocket close code / end of the SSE stream). Idempotent. */
    void close(ErrorCode code, String message);

    /** Tells the transport which session it carries, before the first write (SSE event ids name it). */
    default void bind(String sessionId) {
    }

    /** SSE: the client's frames arrive by POST, not on this connection. */
    boolean unidirectional();
}

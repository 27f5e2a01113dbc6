package dev.tandem.transport.ws;

import dev.tandem.boot.TandemRuntime;
import dev.tandem.protocol.ErrorCode;
import dev.tandem.session.ConnectionHandler;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * WebSocket transport at {@code /api/realtime}: JSON text frames. The token comes as the
 * {@code token} query parameter or in a {@code hello} frame; everything else is the session's job.
 */
@ServerEndpoint(value = "/api/realtime", configurator = OriginCheck.class)
public class RealtimeEndpoint {
    private static final Logger LOG = Logger.getLogger(RealtimeEndpoint.class.getName());
    private static final String BINDING = Binding.class.getName();

    @Inject
    TandemRuntime runtime;

    @Inject
    WsIdleTimers idleTimers;

    @OnOpen
    public void open(Session session, EndpointConfig config) {
        idleTimers.adopt(session);
        UpgradeRelease.release(session);
        SendBuffers.shrink(session);
        if (session.getUserProperties().get(OriginCheck.REJECTED_ORIGIN) != null) {
            new WsConnection(session, idleTimers::later, null, null).close(ErrorCode.FORBIDDEN, "origin not allowed");
            return;
        }
        // Document data frames (doc.sync, doc.ops) may be up to maxDocumentFrameBytes. Frames up to the
        // larger of that + 4x maxFrameBytes and 1 MiB still arrive whole and get a typed too_large error;
        // larger ones close the connection with 1009 (message too big): Undertow does it itself, Tyrus
        // (Payara) hands them over up to its own read buffer (web.xml: 17 MiB), so message() checks too.
        // Until the connection is authenticated only a hello is expected: the small bound holds, so nobody
        // without a token can make the server buffer document-sized frames (on WildFly; on Payara, Tyrus reads
        // a whole frame into its own buffer first, 4 MiB by default, which also caps Payara's WebSocket frames).
        int limit = runtime.config().maxFrameBytes();
        int anonymous = Math.max(4 * limit, 1 << 20);
        int authenticated = (int) Math.min(Integer.MAX_VALUE - 8,
                Math.max((long) runtime.config().maxDocumentFrameBytes() + 4L * limit, anonymous));
        session.setMaxTextMessageBufferSize(anonymous);
        WsConnection connection = new WsConnection(session, idleTimers::later, IoThreads.of(session), RawFrames.of(session));
        ConnectionHandler handler = new ConnectionHandler(runtime.sessions(), connection);
        Binding binding = new Binding(handler, anonymous, authenticated);
        session.getUserProperties().put(BINDING, binding);
        // Raised once the token is verified and before the welcome is written (a client may send a large
        // frame right after it), and only for a principal that may write documents: a viewer's doc.sync is
        // refused anyway, so it never needs more than the ordinary bound.
        connection.onAuthenticated(principal -> {
            if (principal.role().canWrite()) {
                binding.raise(session);
            }
        });
        String token = first(session.getRequestParameterMap().get("token"));
        if (token != null) {
            handler.open(token, null);
        }
    }

    @OnMessage
    public void message(Session session, String text) {
        Binding binding = binding(session);
        if (binding == null) {
            return;
        }
        if (!binding.framed) {
            binding.framed = true;
            GrizzlyUpgradeRelease.release(session);
        }
        // Characters never outnumber UTF-8 bytes: more characters than the buffer holds is too big.
        if (text.length() > binding.maxChars) {
            closeTooBig(session, binding.maxChars);
            return;
        }
        binding.handler.onText(text);
    }

    /** Frames are JSON text; a binary message gets a typed error and changes nothing. */
    @OnMessage
    public void binary(Session session, ByteBuffer data) {
        Binding binding = binding(session);
        if (binding != null) {
            binding.handler.onUnsupported("binary messages are not supported: frames are JSON text");
        }
    }

    private static void closeTooBig(Session session, int maxChars) {
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.TOO_BIG, "frame over " + maxChars + " characters"));
        } catch (IOException e) {
            LOG.log(Level.FINE, "websocket " + session.getId() + ": close failed", e);
        }
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        Binding binding = binding(session);
        if (binding != null) {
            binding.handler.onClosed();
        }
    }

    @OnError
    public void error(Session session, Throwable error) {
        LOG.log(Level.FINE, "websocket " + session.getId() + " failed", error);
    }

    private static Binding binding(Session session) {
        return (Binding) session.getUserProperties().get(BINDING);
    }

    /** What the endpoint keeps per session: the session layer's handler, the frame bound, whether a frame has come. */
    private static final class Binding {
        final ConnectionHandler handler;
        private final int authenticatedMaxChars;
        volatile int maxChars;
        /** Set on the first frame, when the container's handshake state is released. */
        volatile boolean framed;

        Binding(ConnectionHandler handler, int anonymousMaxChars, int authenticatedMaxChars) {
            this.handler = handler;
            this.maxChars = anonymousMaxChars;
            this.authenticatedMaxChars = authenticatedMaxChars;
        }

        /** A writer is authenticated: document frames (up to tandem.maxDocumentFrameBytes) may come now. */
        void raise(Session session) {
            maxChars = authenticatedMaxChars;
            session.setMaxTextMessageBufferSize(authenticatedMaxChars);
        }
    }

    private static String first(List<String> values) {
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}

package dev.tandem.transport.ws;

import dev.tandem.transport.container.GrizzlyOutputBuffers;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Stops Payara's Grizzly from allocating an 8 KB buffer for every WebSocket message sent.
 *
 * <p>Tyrus on Payara writes each WebSocket frame to the upgraded connection's servlet output stream and
 * flushes it; Grizzly copied every frame into a fresh 8 KB buffer ({@link GrizzlyOutputBuffers}). A
 * 200-byte event to 200 subscribers at 200 msg/s thus allocated about 320 MB/s, 77 % of all allocation,
 * and a young collection every 0.7 s (JFR, bench/PROFILING.md, "Fan-out latency, session 9", item 1).
 * This lowers the size on the session's buffer to {@link #BUFFER_BYTES}: Tyrus writes each frame as one
 * array, so frames larger than that are written as they are.
 *
 * <p>The path is TyrusSession → async remote → TyrusWebSocket → ProtocolHandler → TyrusServletWriter →
 * upgrade handler (behind Tyrus's proxy) → WebConnection → Catalina output stream → Catalina OutputBuffer
 * → Grizzly OutputBuffer. Where any step is missing (Undertow, a changed Payara) nothing changes and the
 * log names the missing step.
 */
final class SendBuffers {
    /** What Grizzly's buffer size becomes: tiny frames (pongs, pings) still get a buffer this big. */
    static final int BUFFER_BYTES = 64;
    /** Field names from the session to Grizzly's buffer; Tyrus may put a proxy, holding the real upgrade
     *  handler in {@code handler}, in between. */
    static final List<String> PATH = path();
    private static final Logger LOG = Logger.getLogger(SendBuffers.class.getName());
    private static volatile boolean reported;

    private SendBuffers() {
    }

    private static List<String> path() {
        List<String> path = new ArrayList<>(List.of("asyncRemote", "webSocket", "protocolHandler", "writer",
                "tyrusHttpUpgradeHandler", "handler?", "wc", "outputStream"));
        path.addAll(GrizzlyOutputBuffers.FROM_SERVLET_STREAM);
        return List.copyOf(path);
    }

    /** Shrinks {@code session}'s Grizzly output buffer if it has one; returns whether it did. */
    static boolean shrink(Object session) {
        String missing = shrink(session, GrizzlyOutputBuffers.OUTPUT_BUFFER_CLASS);
        if (!reported) {
            reported = true;
            LOG.info(() -> "WebSocket send buffer (" + session.getClass().getName() + "): "
                    + (missing == null ? "frames over " + BUFFER_BYTES + " bytes written without a per-message buffer"
                            : "the container's (" + missing + ")"));
        }
        return missing == null;
    }

    /**
     * As {@link #shrink(Object)}, with the Grizzly buffer's class name given (tests use a look-alike).
     * Returns null when it shrank (or found it small already), else the step that was missing.
     */
    static String shrink(Object session, String outputBufferClass) {
        return GrizzlyOutputBuffers.shrink(session, PATH, BUFFER_BYTES, outputBufferClass);
    }
}

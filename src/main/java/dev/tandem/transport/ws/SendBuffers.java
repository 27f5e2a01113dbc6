package dev.tandem.transport.ws;

import static dev.tandem.transport.ws.ContainerFields.field;
import static dev.tandem.transport.ws.ContainerFields.get;

import java.lang.reflect.Field;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Stops Payara's Grizzly from allocating an 8 KB buffer for every WebSocket message sent.
 *
 * <p>Tyrus on Payara writes each WebSocket frame to the upgraded connection's servlet output stream and
 * flushes it. Grizzly's {@code OutputBuffer} copies any write no larger than its buffer size (8,192 bytes,
 * fixed by Catalina, which only ever raises it) into a freshly allocated buffer of that size, hands it to
 * the socket and forgets it. A 200-byte event to 200 subscribers at 200 msg/s thus allocated about
 * 320 MB/s, 77 % of all allocation, and a young collection every 0.7 s (JFR, bench/PROFILING.md,
 * "Fan-out latency, session 9", item 1). Writes larger than the buffer size skip that copy (the frame's
 * own bytes are written, or copied at their own size). This lowers the size on the session's buffer to
 * {@link #BUFFER_BYTES}: frames of that size or less still share one small buffer, larger ones are
 * written as they are.
 *
 * <p>Reflection on container fields, like {@link UpgradeRelease}: the path is TyrusSession → async
 * remote → TyrusWebSocket → ProtocolHandler → TyrusServletWriter → upgrade handler (behind Tyrus's
 * proxy) → WebConnection → Catalina output stream → Catalina OutputBuffer → Grizzly OutputBuffer. Where
 * any step is missing (Undertow, a changed Payara) nothing changes and the log names the missing step.
 */
final class SendBuffers {
    /** What Grizzly's buffer size becomes: tiny frames (pongs, pings) still get a buffer this big. */
    static final int BUFFER_BYTES = 64;
    static final String GRIZZLY_OUTPUT_BUFFER = "org.glassfish.grizzly.http.io.OutputBuffer";
    /** Field names from the session to Grizzly's buffer; a name ending in {@code ?} is followed only where
     *  present (Tyrus may put a proxy, holding the real upgrade handler in {@code handler}, in between). */
    private static final String[] PATH = {"asyncRemote", "webSocket", "protocolHandler", "writer",
        "tyrusHttpUpgradeHandler", "handler?", "wc", "outputStream", "ob", "grizzlyOutputBuffer"};
    private static final Logger LOG = Logger.getLogger(SendBuffers.class.getName());
    private static volatile boolean reported;

    private SendBuffers() {
    }

    /** Shrinks {@code session}'s Grizzly output buffer if it has one; returns whether it did. */
    static boolean shrink(Object session) {
        String missing = shrink(session, GRIZZLY_OUTPUT_BUFFER);
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
        Object target = session;
        try {
            for (String step : PATH) {
                boolean optional = step.endsWith("?");
                String name = optional ? step.substring(0, step.length() - 1) : step;
                Object next = get(target, name);
                if (next == null && optional) {
                    continue;
                }
                if (next == null) {
                    return "no " + name + " in " + target.getClass().getName();
                }
                target = next;
            }
            if (!isA(target.getClass(), outputBufferClass)) {
                return "not Grizzly's buffer: " + target.getClass().getName();
            }
            Field bufferSize = field(target.getClass(), "bufferSize");
            if (bufferSize == null || bufferSize.getType() != int.class) {
                return "no int bufferSize in " + target.getClass().getName();
            }
            if (bufferSize.getInt(target) > BUFFER_BYTES) {
                bufferSize.setInt(target, BUFFER_BYTES);
            }
            return null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "cannot shrink the send buffer", e);
            return e + " at " + target.getClass().getName();
        }
    }

    private static boolean isA(Class<?> type, String className) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(className)) {
                return true;
            }
        }
        return false;
    }
}

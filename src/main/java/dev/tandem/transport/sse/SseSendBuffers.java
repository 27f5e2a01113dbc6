package dev.tandem.transport.sse;

import dev.tandem.transport.container.GrizzlyOutputBuffers;
import java.util.logging.Logger;

/**
 * Stops Payara's Grizzly from allocating an 8 KB buffer for every SSE event sent.
 *
 * <p>Jersey writes each event's fields (id, data) to the response's servlet output stream and flushes it;
 * Grizzly collected them in a freshly allocated 8 KB buffer per event ({@link GrizzlyOutputBuffers}): at
 * 200 subscribers × 200 msg/s that was 54 % of Payara's allocation in the SSE fan-out (bench/PROFILING.md,
 * "SSE on Payara, session 10"). This lowers the size on the stream's buffer to {@link #BUFFER_BYTES}.
 * Unlike a WebSocket frame, an event arrives in several small writes (field names, id, data, blank
 * line), so the size stays large enough for a typical event to go out as one socket write; larger
 * events add one.
 *
 * <p>The path is the servlet output stream (Catalina's {@code CoyoteOutputStream}) → Catalina
 * OutputBuffer → Grizzly OutputBuffer. Elsewhere (Undertow, a changed Payara) nothing changes and the log
 * names the missing step.
 */
final class SseSendBuffers {
    /** What Grizzly's buffer size becomes for an event stream: room for a typical event in one write. */
    static final int BUFFER_BYTES = 1024;
    private static final Logger LOG = Logger.getLogger(SseSendBuffers.class.getName());
    private static volatile boolean reported;

    private SseSendBuffers() {
    }

    /** Shrinks the Grizzly buffer behind {@code servletOutputStream} if it has one; returns whether it did. */
    static boolean shrink(Object servletOutputStream) {
        String missing = shrink(servletOutputStream, GrizzlyOutputBuffers.OUTPUT_BUFFER_CLASS);
        if (!reported) {
            reported = true;
            LOG.info(() -> "SSE send buffer (" + servletOutputStream.getClass().getName() + "): "
                    + (missing == null ? BUFFER_BYTES + " bytes, allocated per event written" : "the container's (" + missing + ")"));
        }
        return missing == null;
    }

    /** As {@link #shrink(Object)}, with the Grizzly buffer's class name given (tests use a look-alike). */
    static String shrink(Object servletOutputStream, String outputBufferClass) {
        return GrizzlyOutputBuffers.shrink(servletOutputStream, GrizzlyOutputBuffers.FROM_SERVLET_STREAM,
                BUFFER_BYTES, outputBufferClass);
    }
}

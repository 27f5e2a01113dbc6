package dev.tandem.transport.sse;

import dev.tandem.transport.container.GrizzlyOutputBuffers;
import java.util.logging.Logger;

/**
 * Stops Payara's Grizzly from allocating an 8 KB buffer for every SSE event sent.
 *
 * <p>Grizzly's output buffer copies every write no larger than its size into a buffer it allocates at
 * that size, 8 KB as Catalina fixes it ({@link GrizzlyOutputBuffers}); at 200 subscribers × 200 msg/s
 * that was 54 % of Payara's allocation in the SSE fan-out (bench/PROFILING.md, "SSE on Payara,
 * session 10"). {@link SseStream} writes each event as one array, so the size goes down to
 * {@link #BUFFER_BYTES}: an event larger than that is handed to the socket as it is, with no copy,
 * and only a heartbeat comment is copied.
 *
 * <p>The path is the servlet output stream (Catalina's {@code CoyoteOutputStream}) → Catalina
 * OutputBuffer → Grizzly OutputBuffer. Elsewhere (Undertow, a changed Payara) nothing changes and the log
 * names the missing step.
 */
final class SseSendBuffers {
    /** What Grizzly's buffer size becomes for an event stream: room for a heartbeat comment, not for an event. */
    static final int BUFFER_BYTES = 64;
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
                    + (missing == null ? BUFFER_BYTES + " bytes; larger events are written without a copy" : "the container's (" + missing + ")"));
        }
        return missing == null;
    }

    /** As {@link #shrink(Object)}, with the Grizzly buffer's class name given (tests use a look-alike). */
    static String shrink(Object servletOutputStream, String outputBufferClass) {
        return GrizzlyOutputBuffers.shrink(servletOutputStream, GrizzlyOutputBuffers.FROM_SERVLET_STREAM,
                BUFFER_BYTES, outputBufferClass);
    }
}

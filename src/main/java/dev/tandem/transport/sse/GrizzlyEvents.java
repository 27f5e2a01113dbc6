package dev.tandem.transport.sse;

import dev.tandem.transport.container.ContainerFields;
import dev.tandem.transport.container.GrizzlyOutputBuffers;
import dev.tandem.transport.container.GrizzlyWriteQueue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Finds where an event stream's bytes can go straight onto the Grizzly connection's write queue
 * (Payara), as HTTP/1.1 chunks, instead of through the servlet output stream.
 *
 * <p>A write to the servlet output stream runs down the connection's whole HTTP filter chain (filter chain
 * contexts, attribute lookups, the HTTP codec's chunk encoding) to the transport filter, which puts it on
 * the write queue: once per subscriber per publish, the largest share of Payara's SSE fan-out CPU once
 * the JAX-RS sink was gone (bench/PROFILING.md, "Session 17"). Once the response's headers are written,
 * what that chain does to a body write is wrap it as a chunk ({@code <size in hex>CRLF<bytes>CRLF}); the
 * stream does that itself ({@link SseEvents#chunk}) and queues the chunk where the transport filter
 * would. Completing the response later writes the last chunk through the chain, behind everything queued.
 *
 * <p>Only for a chunked HTTP/1.1 response (not HTTP/1.0 or HTTP/2, not one with a length), on a chain
 * without TLS, and where every step of the walk is found: else null, and the servlet output stream.
 */
final class GrizzlyEvents {
    private static final Logger LOG = Logger.getLogger(GrizzlyEvents.class.getName());
    /** Whether the log has said which way a stream's events go: [direct, through the servlet output]. */
    private static final boolean[] REPORTED = new boolean[2];

    private GrizzlyEvents() {
    }

    /** The direct writer behind {@code servletOutputStream} (headers already written), or null. */
    static GrizzlyWriteQueue.Writer of(Object servletOutputStream) {
        GrizzlyWriteQueue.Writer writer = of(servletOutputStream, GrizzlyOutputBuffers.OUTPUT_BUFFER_CLASS,
                GrizzlyWriteQueue.GRIZZLY);
        int path = writer != null ? 0 : 1;
        if (!REPORTED[path]) {
            REPORTED[path] = true;
            LOG.info(() -> "SSE events (" + servletOutputStream.getClass().getName() + "): " + (writer != null
                    ? "put on Grizzly's write queue directly as HTTP/1.1 chunks"
                    : "written to the servlet output stream (not a chunked HTTP/1.1 response on Grizzly without TLS)"));
        }
        return writer;
    }

    /** As {@link #of(Object)}, with Grizzly's output buffer class and package given (tests use look-alikes). */
    static GrizzlyWriteQueue.Writer of(Object servletOutputStream, String outputBufferClass, String grizzly) {
        try {
            ContainerFields.Reached reached = ContainerFields.follow(servletOutputStream,
                    GrizzlyOutputBuffers.FROM_SERVLET_STREAM);
            Object buffer = reached.target();
            if (buffer == null || !GrizzlyOutputBuffers.isA(buffer.getClass(), outputBufferClass)) {
                LOG.fine(() -> "no Grizzly output buffer: " + reached.missing());
                return null;
            }
            Object header = ContainerFields.get(buffer, "outputHeader");
            if (header == null || !Boolean.TRUE.equals(header.getClass().getMethod("isChunked").invoke(header))) {
                return null;
            }
            Object connection = ContainerFields.get(buffer, "connection");
            return connection == null ? null : GrizzlyWriteQueue.forConnection(connection, grizzly);
        } catch (Throwable e) {
            LOG.log(Level.FINE, "no direct Grizzly writes for SSE", e);
            return null;
        }
    }
}

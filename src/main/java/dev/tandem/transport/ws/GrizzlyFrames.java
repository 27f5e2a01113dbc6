package dev.tandem.transport.ws;

import dev.tandem.transport.container.ContainerFields;
import dev.tandem.transport.container.GrizzlyWriteQueue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Puts ready WebSocket frames straight on the Grizzly connection's asynchronous write queue (Payara).
 *
 * <p>Tyrus's {@code sendRawFrame} ({@link RawFrames}) writes each frame to the upgraded request's servlet
 * output stream: Catalina's and Grizzly's output buffers wrap it in an HTTP content chunk and run it down the
 * connection's whole filter chain (HTTP server filter, chain contexts, attribute lookups) to the transport
 * filter, which puts it on the connection's write queue. JFR put 32 % of Payara's fan-out CPU in that trip,
 * once per subscriber per publish (bench/PROFILING.md, "Session 16"). For an upgraded connection the HTTP
 * filters pass the bytes through unchanged, so this puts the frame on the same queue, as the transport filter
 * does: in order with Tyrus's own writes (pongs, close frames), which end in that queue too. The frame's
 * array is wrapped without a pool, so Grizzly never recycles an array that other subscribers still send.
 *
 * <p>Only where the chain has no TLS filter (a frame put below it would go out in clear), and where every
 * step is found: else null, and {@link RawFrames}'s path.
 */
final class GrizzlyFrames {
    private static final Logger LOG = Logger.getLogger(GrizzlyFrames.class.getName());

    private GrizzlyFrames() {
    }

    /** The direct sender for {@code session}'s connection, or null (with the reason logged at FINE). */
    static RawFrames.Sender of(Object session) {
        try {
            ContainerFields.Reached reached = ContainerFields.follow(session, SendBuffers.PATH);
            Object connection = reached.target() == null ? null : ContainerFields.get(reached.target(), "connection");
            if (connection == null) {
                LOG.fine(() -> "no Grizzly connection: " + reached.missing());
                return null;
            }
            return forConnection(connection, GrizzlyWriteQueue.GRIZZLY);
        } catch (Throwable e) {
            LOG.log(Level.FINE, "no direct Grizzly writes", e);
            return null;
        }
    }

    /** The direct sender for a Grizzly {@code Connection} whose classes are in package {@code grizzly}, or null. */
    static RawFrames.Sender forConnection(Object connection, String grizzly) throws ReflectiveOperationException {
        GrizzlyWriteQueue.Writer writer = GrizzlyWriteQueue.forConnection(connection, grizzly);
        return writer == null ? null : writer::write;
    }
}

package dev.tandem.transport.ws;

import static dev.tandem.transport.container.ContainerFields.get;

import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Finds the I/O thread that owns a WebSocket's socket, where the container has one (Undertow, WildFly).
 *
 * <p>Undertow writes a frame at once only when it is sent from the connection's own I/O thread; sent from
 * any other thread, the frame is queued (a lock on the channel's frame deque) and the I/O thread is woken
 * up to write it: one cross-thread hand-off and selector wake-up per frame. JFR of the fan-out (200
 * subscribers × 200 msg/s) put that queueing and waking on every send (bench/PROFILING.md, "Fan-out
 * latency, session 9", item 4). Starting a connection's writes on its I/O thread makes every send a
 * direct write, and lets Tandem hand one task per I/O thread to the container instead of one per frame.
 *
 * <p>Reflection on container fields, like {@link UpgradeRelease}: UndertowSession.webSocketChannel →
 * {@code getIoThread()} (XNIO's {@code XnioIoThread}, an {@link Executor}). Elsewhere (Payara's Tyrus,
 * whose Grizzly writes directly from any thread) the answer is null and writes start on Tandem's writers.
 */
final class IoThreads {
    private static final Logger LOG = Logger.getLogger(IoThreads.class.getName());
    private static volatile boolean reported;

    private IoThreads() {
    }

    /** The executor that runs tasks on {@code session}'s I/O thread, or null when there is none to find. */
    static Executor of(Object session) {
        Executor ioThread = find(session);
        if (!reported) {
            reported = true;
            LOG.info(() -> "WebSocket writes (" + session.getClass().getName() + "): "
                    + (ioThread != null ? "start on the connection's I/O thread" : "start on Tandem's writer threads"));
        }
        return ioThread;
    }

    static Executor find(Object session) {
        try {
            Object channel = get(session, "webSocketChannel");
            if (channel == null) {
                return null;
            }
            Object ioThread = channel.getClass().getMethod("getIoThread").invoke(channel);
            return ioThread instanceof Executor executor ? executor : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "no I/O thread found", e);
            return null;
        }
    }
}

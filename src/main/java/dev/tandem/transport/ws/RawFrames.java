package dev.tandem.transport.ws;

import static dev.tandem.transport.container.ContainerFields.get;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends text frames that Tandem framed itself, once per publish, on Payara's Tyrus.
 *
 * <p>Tyrus turns every {@code sendText} into a {@code TextFrame}, encoding the string with its own UTF-8
 * encoder one character at a time (through a non-array {@code CharBuffer}: {@code Buffer.hasRemaining}
 * per character), then copies the bytes into a frame and again for the socket. In a fan-out the same
 * text is encoded once per subscriber: JFR put 35 % of Payara's CPU in that encoder and 60 % of its
 * allocation in those copies (bench/PROFILING.md, "Payara WebSocket, session 10"). Tyrus's public
 * {@code TyrusWebSocket.sendRawFrame(ByteBuffer)} writes a ready frame through the same writer, under
 * the same lock, in order with everything else sent on the connection, and returns a
 * {@code TyrusFuture}, a {@link CompletableFuture} completed when the write is done: the same
 * one-write-in-flight flow control as {@code sendText}'s handler. {@link TextFrames} frames each text
 * once per thread, so a publish to 200 subscribers encodes it once or twice instead of 200 times.
 *
 * <p>What {@code sendText} did besides: restarting the container's idle timer (Tandem sets no idle
 * timeout, see {@link IdleTimers}) and the session state check ({@link WsConnection} checks
 * {@code isOpen()}; a write on a closed connection fails its future). Extensions: the endpoint
 * negotiates none, so frames go out as they are.
 *
 * <p>Reflection on container objects, like {@link SendBuffers}: TyrusSession → async remote →
 * TyrusWebSocket. Elsewhere (Undertow, a changed Tyrus) the answer is null and sends use
 * {@code sendText}; the log says which. Where it can, {@link #of} skips Tyrus's writer as well and puts
 * the frame on Grizzly's write queue ({@link GrizzlyFrames}).
 */
final class RawFrames {
    static final String TYRUS_FUTURE = "org.glassfish.tyrus.core.TyrusFuture";
    private static final MethodType SEND_RAW = MethodType.methodType(Future.class, ByteBuffer.class);
    private static final Logger LOG = Logger.getLogger(RawFrames.class.getName());
    private static volatile boolean reported;

    /** Sends one ready frame; the stage completes when it is written. */
    interface Sender {
        CompletionStage<?> send(ByteBuffer frame);
    }

    private RawFrames() {
    }

    /** The raw-frame sender of {@code session}'s WebSocket, or null when it has none. */
    static Sender of(Object session) {
        Sender direct = GrizzlyFrames.of(session);
        Sender sender = direct != null ? direct : find(session, TYRUS_FUTURE);
        if (!reported) {
            reported = true;
            LOG.info(() -> "WebSocket text frames (" + session.getClass().getName() + "): "
                    + (direct != null ? "framed once per publish, put on Grizzly's write queue directly"
                    : sender != null ? "framed once per publish, sent as raw frames" : "sent with sendText"));
        }
        return sender;
    }

    /**
     * As {@link #of}, with the name of the future class that {@code sendRawFrame} returns given (tests use
     * a look-alike); that class must be a {@link CompletableFuture}, so a write's completion can be waited on.
     */
    static Sender find(Object session, String futureClass) {
        try {
            Object remote = get(session, "asyncRemote");
            Object webSocket = remote == null ? null : get(remote, "webSocket");
            if (webSocket == null) {
                return null;
            }
            Class<?> future = Class.forName(futureClass, false, webSocket.getClass().getClassLoader());
            if (!CompletableFuture.class.isAssignableFrom(future)) {
                return null;
            }
            MethodHandle sendRaw = MethodHandles.publicLookup()
                    .findVirtual(webSocket.getClass(), "sendRawFrame", SEND_RAW)
                    .bindTo(webSocket);
            return frame -> send(sendRaw, frame);
        } catch (Throwable e) {
            LOG.log(Level.FINE, "no raw frames", e);
            return null;
        }
    }

    private static CompletionStage<?> send(MethodHandle sendRaw, ByteBuffer frame) {
        try {
            Future<?> written = (Future<?>) sendRaw.invokeExact(frame);
            if (written instanceof CompletionStage<?> stage) {
                return stage;
            }
            return CompletableFuture.failedFuture(new IllegalStateException("not a CompletionStage: " + written));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}

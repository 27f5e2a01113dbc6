package dev.tandem.transport.ws;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends text that Tandem encoded once per publish on WildFly's Undertow, instead of {@code sendText(String)}.
 *
 * <p>Undertow's JSR-356 {@code sendText(String, SendHandler)} is {@code WebSockets.sendText(String, channel,
 * adapter, sendTimeout)}, which UTF-8-encodes the string for every send: in a fan-out, once per subscriber
 * (JFR: 26 % of WildFly's allocation in the fan-out, two byte arrays per delivery; bench/PROFILING.md,
 * session 12). Undertow's public {@code WebSockets.sendText(ByteBuffer, channel, callback, context,
 * timeout)} sends the same text frame from bytes, through the same channel, in order with everything else
 * and with extensions applied by the channel as before. The bytes are the payload of the frame
 * {@link TextFrames} made once per thread for the publish: its header is skipped, not re-made.
 *
 * <p>Reflection on container objects, like {@link IoThreads}: UndertowSession → its {@code WebSocketChannel};
 * the callback is one proxy per container class loader, the write's future travels as the callback's
 * context. Elsewhere (Tyrus, a changed Undertow) the answer is null.
 */
final class UndertowTextFrames {
    private static final Logger LOG = Logger.getLogger(UndertowTextFrames.class.getName());
    private static final String PACKAGE = "io.undertow.websockets.core.";
    /** The completion callback, per Undertow class loader (one per server, not per connection). */
    private static final ClassValue<Object> CALLBACKS = new ClassValue<>() {
        @Override
        protected Object computeValue(Class<?> callbackType) {
            return Proxy.newProxyInstance(callbackType.getClassLoader(), new Class<?>[] {callbackType},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "complete" -> ((CompletableFuture<?>) args[1]).complete(null);
                        case "onError" -> ((CompletableFuture<?>) args[1]).completeExceptionally((Throwable) args[2]);
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> "UndertowTextFrames.callback";
                    });
        }
    };

    private UndertowTextFrames() {
    }

    /** A sender of ready text frames for {@code session}'s Undertow channel, or null when it has none. */
    static RawFrames.Sender of(Object session) {
        try {
            Object channel = session.getClass().getMethod("getWebSocketChannel").invoke(session);
            if (channel == null) {
                return null;
            }
            ClassLoader loader = channel.getClass().getClassLoader();
            Class<?> channelType = Class.forName(PACKAGE + "WebSocketChannel", false, loader);
            Class<?> callbackType = Class.forName(PACKAGE + "WebSocketCallback", false, loader);
            MethodHandle sendText = MethodHandles.publicLookup().findStatic(
                    Class.forName(PACKAGE + "WebSockets", false, loader), "sendText",
                    MethodType.methodType(void.class, ByteBuffer.class, channelType, callbackType, Object.class, long.class));
            long timeout = session instanceof jakarta.websocket.Session s ? s.getAsyncRemote().getSendTimeout() : -1;
            MethodHandle send = MethodHandles.insertArguments(sendText, 1, channel, CALLBACKS.get(callbackType))
                    .asType(MethodType.methodType(void.class, ByteBuffer.class, Object.class, long.class));
            return frame -> send(send, payloadOf(frame), timeout);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.log(Level.FINE, "no Undertow text sender", e);
            return null;
        }
    }

    /** The payload of an unmasked frame from {@link TextFrames}: the buffer, moved past the 2-, 4- or 10-byte header. */
    static ByteBuffer payloadOf(ByteBuffer frame) {
        int length = frame.get(frame.position() + 1) & 0x7f;
        return frame.position(frame.position() + (length < 126 ? 2 : length == 126 ? 4 : 10));
    }

    private static CompletionStage<?> send(MethodHandle send, ByteBuffer payload, long timeout) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        try {
            send.invokeExact(payload, (Object) written, timeout);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            written.completeExceptionally(e);
        }
        return written;
    }
}

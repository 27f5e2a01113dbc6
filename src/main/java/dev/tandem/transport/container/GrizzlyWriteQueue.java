package dev.tandem.transport.container;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Writes bytes straight onto a Grizzly connection's asynchronous write queue (Payara), as Grizzly's
 * transport filter does at the end of the connection's filter chain: for bytes that are ready to go on
 * the wire, the HTTP filters above it cost a trip per message and add nothing (bench/PROFILING.md,
 * "Session 16"). Used for WebSocket frames ({@code GrizzlyFrames}) and SSE events
 * ({@code GrizzlyEvents}). Each write's array is wrapped without a pool, so Grizzly never recycles an
 * array that is shared. Writes on one connection are completed in the order they were queued; callers
 * keep one write in flight per connection.
 *
 * <p>Not for a chain with a TLS filter (bytes put below it would go out in clear).
 */
public final class GrizzlyWriteQueue {
    /** Grizzly's package, where its classes are looked up. */
    public static final String GRIZZLY = "org.glassfish.grizzly.";

    /** Writes ready bytes; the stage completes when Grizzly has written them. */
    public interface Writer {
        CompletionStage<?> write(ByteBuffer bytes);
    }

    private GrizzlyWriteQueue() {
    }

    /**
     * The writer for a Grizzly {@code Connection} whose classes are in package {@code grizzly} (tests give
     * the package of look-alikes), or null where the chain encrypts or a step is missing.
     */
    public static Writer forConnection(Object connection, String grizzly) throws ReflectiveOperationException {
        ClassLoader loader = connection.getClass().getClassLoader();
        Class<?> connectionType = Class.forName(grizzly + "Connection", false, loader);
        if (!connectionType.isInstance(connection) || encrypts(connectionType.getMethod("getProcessor").invoke(connection))) {
            return null;
        }
        Object transport = connectionType.getMethod("getTransport").invoke(connection);
        Class<?> queueTransport = Class.forName(grizzly + "asyncqueue.AsyncQueueEnabledTransport", false, loader);
        if (!queueTransport.isInstance(transport)) {
            return null;
        }
        Object queueIo = queueTransport.getMethod("getAsyncQueueIO").invoke(transport);
        Class<?> queueIoType = Class.forName(grizzly + "asyncqueue.AsyncQueueIO", false, loader);
        Object writer = queueIoType.getMethod("getWriter").invoke(queueIo);
        Class<?> writerType = Class.forName(grizzly + "asyncqueue.AsyncQueueWriter", false, loader);
        Class<?> message = Class.forName(grizzly + "asyncqueue.WritableMessage", false, loader);
        Class<?> handlerType = Class.forName(grizzly + "CompletionHandler", false, loader);
        Class<?> cloner = Class.forName(grizzly + "asyncqueue.MessageCloner", false, loader);
        Class<?> wrapperType = Class.forName(grizzly + "memory.ByteBufferWrapper", false, loader);
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        MethodHandle write = lookup.findVirtual(writerType, "write",
                        MethodType.methodType(void.class, connectionType, Object.class, message, handlerType, cloner))
                .asType(MethodType.methodType(void.class, Object.class, Object.class, Object.class, Object.class,
                        Object.class, Object.class));
        // writer, connection and destination (none: the connection's peer) fixed; the cloner is not needed,
        // since nothing reuses the frame's array: (message, handler) -> void.
        write = MethodHandles.insertArguments(write, 0, writer, connection, null);
        write = MethodHandles.insertArguments(write, 2, (Object) null);
        MethodHandle wrap = lookup.findConstructor(wrapperType, MethodType.methodType(void.class, ByteBuffer.class))
                .asType(MethodType.methodType(Object.class, ByteBuffer.class));
        Completions completions = new Completions();
        Object handler = Proxy.newProxyInstance(loader, new Class<?>[] {handlerType}, completions);
        return new DirectWriter(write, wrap, handler, completions);
    }

    /** Whether the connection's filter chain encrypts (a TLS filter in it), or cannot be told. */
    private static boolean encrypts(Object processor) {
        if (!(processor instanceof Iterable<?> filters)) {
            return true;
        }
        for (Object filter : filters) {
            for (Class<?> c = filter.getClass(); c != null; c = c.getSuperclass()) {
                if (c.getSimpleName().contains("SSL") || c.getSimpleName().contains("Ssl")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The connection's completion handler: Grizzly completes one connection's writes in the order they were
     * queued, so each completion settles the oldest write still waiting.
     */
    static final class Completions implements InvocationHandler {
        private final ArrayDeque<CompletableFuture<Void>> waiting = new ArrayDeque<>();

        synchronized void add(CompletableFuture<Void> write) {
            waiting.addLast(write);
        }

        private synchronized CompletableFuture<Void> oldest() {
            return waiting.pollFirst();
        }

        synchronized void forget(CompletableFuture<Void> write) {
            waiting.remove(write);
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            switch (method.getName()) {
                case "completed" -> settle(null);
                case "failed" -> settle((Throwable) args[0]);
                case "cancelled" -> settle(new CancellationException("write cancelled"));
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "toString" -> {
                    return "Tandem's completion of direct Grizzly writes";
                }
                default -> {
                    // "updated": part of the frame went out; the rest follows.
                }
            }
            return null;
        }

        private void settle(Throwable error) {
            CompletableFuture<Void> write = oldest();
            if (write == null) {
                return;
            }
            if (error == null) {
                write.complete(null);
            } else {
                write.completeExceptionally(error);
            }
        }
    }

    private record DirectWriter(MethodHandle write, MethodHandle wrap, Object handler, Completions completions)
            implements Writer {
        @Override
        public CompletionStage<?> write(ByteBuffer frame) {
            // One write in flight per connection (the outbox's write chain), so the oldest waiting write is the
            // one Grizzly completes; a write that completes at once settles inside the call.
            CompletableFuture<Void> done = new CompletableFuture<>();
            completions.add(done);
            try {
                write.invoke(wrap.invoke(frame), handler);
            } catch (Throwable e) {
                completions.forget(done);
                done.completeExceptionally(e);
            }
            return done;
        }
    }
}

package dev.tandem.transport.ws;

import dev.tandem.protocol.ErrorCode;
import dev.tandem.session.Connection;
import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/** A JSR-356 session as a {@link Connection}: asynchronous sends, one in flight at a time. */
final class WsConnection implements Connection {
    private static final ClassLoader SEND_CONTEXT_LOADER = ClassLoader.getPlatformClassLoader();
    /**
     * How long a server-side close waits. A refusal is decided inside {@code @OnOpen}, which Payara runs
     * within the servlet upgrade request: closing the socket there (or on a write completion still on that
     * thread) lets Payara finish that request on a closed connection and recycle it half-done (a
     * NullPointerException in its request-end handling, then a 500 for a later request on the same
     * processor; seen in SecurityIT). Closing from Tandem's scheduler a moment later avoids it; the frame
     * that explains the close (error or bye) has been written by then.
     */
    static final long CLOSE_DELAY_MILLIS = 50;

    private final Session session;
    /** Fetched once: Tyrus re-checks the session state (copying an enum array) on every call. */
    private final RemoteEndpoint.Async remote;
    /** Where sends of ready frames go ({@link RawFrames}, Payara), or null: {@code sendText}. */
    private final RawFrames.Sender rawFrames;
    private final BiConsumer<Runnable, Long> later;
    private final Executor writeThread;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Told when the token was verified, before the welcome is written (the endpoint raises its frame bound). */
    private volatile java.util.function.Consumer<dev.tandem.auth.Principal> onAuthenticated = principal -> { };

    /**
     * {@code later} runs a task after a delay in milliseconds (a scheduler outside the container's threads);
     * {@code writeThread} is where sends go out at once ({@link IoThreads}), or null; {@code rawFrames}
     * sends frames framed by Tandem ({@link RawFrames}), or null to send text with {@code sendText}.
     */
    WsConnection(Session session, BiConsumer<Runnable, Long> later, Executor writeThread, RawFrames.Sender rawFrames) {
        this.session = session;
        this.remote = session.getAsyncRemote();
        this.later = later;
        this.writeThread = writeThread;
        this.rawFrames = rawFrames;
    }

    @Override
    public CompletionStage<?> write(String text, long position) {
        if (!session.isOpen()) {
            return CompletableFuture.failedFuture(new IOException("websocket closed"));
        }
        if (rawFrames != null) {
            return rawFrames.send(ByteBuffer.wrap(TextFrames.framed(text)));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        // Tyrus (Payara) reschedules its idle timer on every send through the managed executor, whose
        // context capture scans META-INF/services of the thread's context class loader: with the WAR's
        // loader that scan dominated fan-out CPU (bench/PROFILING.md). IdleTimers normally takes the timer
        // off that executor; where it cannot, a loader without jars keeps the scan cheap.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(SEND_CONTEXT_LOADER);
        try {
            remote.sendText(text, result -> {
                if (result.isOK()) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(result.getException());
                }
            });
        } finally {
            thread.setContextClassLoader(previous);
        }
        return done;
    }

    /**
     * A ping control frame, sent asynchronously (on the connection's write thread where it has one): the
     * client's pong is what keeps WildFly from cutting a listening client after its 90 s read timeout.
     */
    @Override
    public void keepAlive() {
        if (!session.isOpen()) {
            return;
        }
        Runnable ping = () -> {
            try {
                remote.sendPing(ByteBuffer.allocate(0));
            } catch (IOException | IllegalStateException | IllegalArgumentException e) {
                // Closing: the session's end is handled by the close callback.
            }
        };
        if (writeThread != null) {
            writeThread.execute(ping);
        } else {
            ping.run();
        }
    }

    /** Asynchronous sends: the container queues what the socket cannot take at once. */
    @Override
    public boolean neverBlocks() {
        return true;
    }

    @Override
    public Executor writeThread() {
        return writeThread;
    }

    @Override
    public void close(ErrorCode code, String message) {
        if (!closed.compareAndSet(false, true) || !session.isOpen()) {
            return;
        }
        later.accept(() -> {
            try {
                if (session.isOpen()) {
                    session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code.closeCode()), code.wire()));
                }
            } catch (IOException | IllegalStateException e) {
                // Already closing: nothing left to tell the client.
            }
        }, CLOSE_DELAY_MILLIS);
    }

    @Override
    public void authenticated(dev.tandem.auth.Principal principal) {
        onAuthenticated.accept(principal);
    }

    void onAuthenticated(java.util.function.Consumer<dev.tandem.auth.Principal> listener) {
        this.onAuthenticated = listener;
    }

    @Override
    public boolean unidirectional() {
        return false;
    }
}

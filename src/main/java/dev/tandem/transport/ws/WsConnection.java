package dev.tandem.transport.ws;

import dev.tandem.protocol.ErrorCode;
import dev.tandem.session.Connection;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/** A JSR-356 session as a {@link Connection}: asynchronous sends, one in flight at a time. */
final class WsConnection implements Connection {
    private static final ClassLoader SEND_CONTEXT_LOADER = ClassLoader.getPlatformClassLoader();
    private final Session session;
    private final AtomicBoolean closed = new AtomicBoolean();

    WsConnection(Session session) {
        this.session = session;
    }

    @Override
    public CompletionStage<?> write(String text, long position) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!session.isOpen()) {
            done.completeExceptionally(new IOException("websocket closed"));
            return done;
        }
        // Tyrus (Payara) reschedules its idle timer on every send through the managed executor, whose
        // context capture scans META-INF/services of the thread's context class loader: with the WAR's
        // loader that scan dominated fan-out CPU (bench/PROFILING.md). IdleTimers normally takes the timer
        // off that executor; where it cannot, a loader without jars keeps the scan cheap.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(SEND_CONTEXT_LOADER);
        try {
            session.getAsyncRemote().sendText(text, result -> {
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

    @Override
    public void close(ErrorCode code, String message) {
        if (!closed.compareAndSet(false, true) || !session.isOpen()) {
            return;
        }
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code.closeCode()), code.wire()));
        } catch (IOException | IllegalStateException e) {
            // Already closing: nothing left to tell the client.
        }
    }

    @Override
    public boolean unidirectional() {
        return false;
    }
}

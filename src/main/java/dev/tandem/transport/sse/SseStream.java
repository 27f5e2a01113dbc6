package dev.tandem.transport.sse;

import dev.tandem.protocol.ErrorCode;
import dev.tandem.session.Connection;
import dev.tandem.session.SessionRegistry.ResumePoint;
import dev.tandem.transport.container.GrizzlyWriteQueue;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An event stream on an asynchronous servlet response as a {@link Connection}. Each reliable frame is
 * one event whose id is the session's resume position ({@code <session>:<position>}); heartbeat pings
 * become comments.
 *
 * <p>Writes use the servlet's non-blocking output ({@link WriteListener}): an event is written when the
 * container says the stream is ready and flushed at once, and its write completes when the flush has
 * been handed to the container. A client that does not read leaves the write pending, so the session's
 * bounded outbox fills and ends the connection ({@code slow_consumer}); no thread ever waits on a socket.
 * Writes that arrive before {@link #start} (the session's first frames, sent while it opens) wait for it.
 *
 * <p>On Payara, once the first event is out, events go as HTTP/1.1 chunks straight onto the Grizzly
 * connection's write queue ({@link GrizzlyEvents}), each completing when Grizzly has written it.
 */
final class SseStream implements Connection, WriteListener, AsyncListener {
    private static final Logger LOG = Logger.getLogger(SseStream.class.getName());
    private static final String PING_PREFIX = "{\"type\":\"ping\"";

    private final AsyncContext async;
    private final ServletOutputStream out;
    private final Runnable onEnded;
    private final Object lock = new Object();
    private volatile String sessionId;

    // Guarded by lock.
    private boolean started;
    /** Where events go directly as chunks (Payara), or null: the servlet output stream. */
    private GrizzlyWriteQueue.Writer direct;
    private boolean ended;
    /** The event waiting for the stream to be ready, and its write's completion. */
    private byte[] waiting;
    private CompletableFuture<Void> waitingDone;
    /** Written but not yet flushed: the flush waits for the stream to be ready again. */
    private CompletableFuture<Void> flushOwed;

    /** {@code onEnded} runs once when the stream ends, whoever ends it (the session, the client, an error). */
    SseStream(AsyncContext async, ServletOutputStream out, Runnable onEnded) {
        this.async = async;
        this.out = out;
        this.onEnded = onEnded;
        async.addListener(this);
    }

    /**
     * The response's headers are committed: events may flow. Called once, on the request's thread;
     * {@code direct} (or null) is where events go once nothing waits for the servlet output stream.
     */
    void start(GrizzlyWriteQueue.Writer direct) {
        synchronized (lock) {
            if (ended) {
                return;
            }
            started = true;
            this.direct = direct;
            // The container calls onWritePossible when the stream can take the first write.
            out.setWriteListener(this);
        }
    }

    @Override
    public void bind(String id) {
        this.sessionId = id;
    }

    @Override
    public CompletionStage<?> write(String text, long position) {
        byte[] bytes;
        if (position < 0 && text.startsWith(PING_PREFIX)) {
            bytes = SseEvents.PING;
        } else {
            String id = position >= 0 && sessionId != null ? ResumePoint.format(sessionId, position) : null;
            bytes = SseEvents.event(id, text);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        Pumped pumped;
        synchronized (lock) {
            if (ended) {
                return CompletableFuture.failedFuture(new IOException("event stream closed"));
            }
            if (waiting != null) {
                return CompletableFuture.failedFuture(new IllegalStateException("a write is already waiting"));
            }
            if (direct != null && flushOwed == null) {
                // Under the lock: end() completes the response (its last chunk) only after this is queued.
                return writeDirect(bytes);
            }
            waiting = bytes;
            waitingDone = done;
            pumped = pump();
        }
        settle(pumped);
        return done;
    }

    private CompletionStage<?> writeDirect(byte[] event) {
        try {
            return direct.write(ByteBuffer.wrap(SseEvents.chunk(event)));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void onWritePossible() {
        Pumped pumped;
        synchronized (lock) {
            pumped = pump();
        }
        settle(pumped);
    }

    /** What a pump did: the writes whose flush went out, and the failure that stopped it, if one did. */
    private record Pumped(List<CompletableFuture<Void>> flushed, Throwable failure) {
    }

    /**
     * Hands what is waiting to the container for as long as it is ready. Under the lock; what it did is
     * settled outside it ({@link #settle}): a completed write may issue the next one at once.
     */
    private Pumped pump() {
        List<CompletableFuture<Void>> flushed = List.of();
        try {
            while (started && !ended && out.isReady()) {
                if (flushOwed != null) {
                    out.flush();
                    if (flushed.isEmpty()) {
                        flushed = new ArrayList<>(2);
                    }
                    flushed.add(flushOwed);
                    flushOwed = null;
                } else if (waiting != null) {
                    out.write(waiting);
                    flushOwed = waitingDone;
                    waiting = null;
                    waitingDone = null;
                } else {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            return new Pumped(flushed, e);
        }
        return new Pumped(flushed, null);
    }

    private void settle(Pumped pumped) {
        for (CompletableFuture<Void> done : pumped.flushed()) {
            done.complete(null);
        }
        if (pumped.failure() != null) {
            onError(pumped.failure());
        }
    }

    @Override
    public void onError(Throwable error) {
        LOG.log(Level.FINE, "event stream failed", error);
        end(error instanceof IOException io ? io : new IOException("event stream failed", error), true);
    }

    @Override
    public void close(ErrorCode code, String message) {
        end(new IOException("event stream closed: " + code.wire()), true);
    }

    /**
     * Ends the stream once: a write still waiting fails, and completing the response (unless the
     * container completed it) flushes what the container holds already. The container is called outside
     * the lock: it may call the listeners back from its own threads, holding its own locks.
     */
    private void end(IOException reason, boolean completeResponse) {
        List<CompletableFuture<Void>> failed = new ArrayList<>(2);
        synchronized (lock) {
            if (ended) {
                return;
            }
            ended = true;
            if (waitingDone != null) {
                failed.add(waitingDone);
            }
            if (flushOwed != null) {
                failed.add(flushOwed);
            }
            waiting = null;
            waitingDone = null;
            flushOwed = null;
        }
        for (CompletableFuture<Void> write : failed) {
            write.completeExceptionally(reason);
        }
        if (!completeResponse) {
            return;
        }
        try {
            async.complete();
        } catch (RuntimeException alreadyOver) {
            // The container ended the request first (the client went away).
        }
    }

    @Override
    public void onComplete(AsyncEvent event) {
        end(new IOException("event stream ended"), false);
        onEnded.run();
    }

    @Override
    public void onError(AsyncEvent event) {
        onError(event.getThrowable() == null ? new IOException("event stream failed") : event.getThrowable());
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        close(ErrorCode.INTERNAL, "timed out");
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // Started once, by the servlet.
    }

    /** Writes only hand bytes to the container's non-blocking output, or leave them waiting for it. */
    @Override
    public boolean neverBlocks() {
        return true;
    }

    @Override
    public boolean unidirectional() {
        return true;
    }
}

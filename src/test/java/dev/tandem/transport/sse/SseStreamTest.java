package dev.tandem.transport.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.protocol.ErrorCode;
import dev.tandem.transport.container.GrizzlyWriteQueue;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The stream's non-blocking write cycle, against a servlet output whose readiness the test decides. */
class SseStreamTest {
    /** A non-blocking servlet output: not ready until the test says so; records what was flushed. */
    static final class ControlledOutput extends ServletOutputStream {
        final ByteArrayOutputStream buffered = new ByteArrayOutputStream();
        final List<String> flushed = new ArrayList<>();
        WriteListener listener;
        boolean ready;
        /** Whether the next isReady() answers false after a write (a full socket buffer). */
        boolean fullAfterWrite;
        IOException failNextWrite;

        @Override
        public boolean isReady() {
            return listener != null && ready;
        }

        @Override
        public void setWriteListener(WriteListener writeListener) {
            this.listener = writeListener;
        }

        @Override
        public void write(int b) {
            throw new AssertionError("events are written as whole arrays");
        }

        @Override
        public void write(byte[] bytes) throws IOException {
            if (!isReady()) {
                throw new IllegalStateException("written while not ready");
            }
            if (failNextWrite != null) {
                throw failNextWrite;
            }
            buffered.writeBytes(bytes);
            if (fullAfterWrite) {
                ready = false;
            }
        }

        @Override
        public void flush() {
            if (!isReady()) {
                throw new IllegalStateException("flushed while not ready");
            }
            flushed.add(buffered.toString(StandardCharsets.UTF_8));
            buffered.reset();
        }

        /** The socket drained: the container calls the listener. */
        void drain() throws IOException {
            ready = true;
            listener.onWritePossible();
        }
    }

    /** The container's side of an asynchronous request: counts completions and tells the listeners. */
    static final class RecordingAsync implements AsyncContext {
        final List<AsyncListener> listeners = new ArrayList<>();
        int completions;

        @Override
        public void complete() {
            completions++;
            for (AsyncListener listener : listeners) {
                try {
                    listener.onComplete(new AsyncEvent(this));
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
        }

        @Override
        public void addListener(AsyncListener listener) {
            listeners.add(listener);
        }

        @Override
        public ServletRequest getRequest() {
            return null;
        }

        @Override
        public ServletResponse getResponse() {
            return null;
        }

        @Override
        public boolean hasOriginalRequestAndResponse() {
            return true;
        }

        @Override
        public void dispatch() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void dispatch(String path) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void dispatch(ServletContext context, String path) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void start(Runnable run) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void addListener(AsyncListener listener, ServletRequest request, ServletResponse response) {
            listeners.add(listener);
        }

        @Override
        public <T extends AsyncListener> T createListener(Class<T> type) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void setTimeout(long timeout) {
        }

        @Override
        public long getTimeout() {
            return 0;
        }
    }

    private final ControlledOutput out = new ControlledOutput();
    private final RecordingAsync async = new RecordingAsync();
    private final AtomicInteger ended = new AtomicInteger();
    private final SseStream stream = new SseStream(async, out, ended::incrementAndGet);

    private static Throwable failure(CompletableFuture<?> future) {
        assertTrue(future.isCompletedExceptionally(), "failed");
        try {
            future.join();
            throw new AssertionError("not failed");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    @Test
    void writesBeforeStartWaitForTheStreamAndEachEventIsFlushedOnItsOwn() throws IOException {
        stream.bind("s1");
        CompletableFuture<?> welcome = stream.write("{\"type\":\"welcome\"}", 1).toCompletableFuture();
        assertFalse(welcome.isDone(), "the headers are not committed yet");
        assertTrue(out.flushed.isEmpty());

        stream.start(null);
        assertFalse(welcome.isDone(), "the container has not said the stream is ready");
        out.drain();
        assertTrue(welcome.isDone() && !welcome.isCompletedExceptionally());
        CompletableFuture<?> ack = stream.write("{\"type\":\"ack\"}", -1).toCompletableFuture();
        CompletableFuture<?> ping = stream.write("{\"type\":\"ping\",\"t\":1}", -1).toCompletableFuture();
        assertTrue(ack.isDone() && ping.isDone());
        assertEquals(List.of("id: s1:1\ndata: {\"type\":\"welcome\"}\n\n", "data: {\"type\":\"ack\"}\n\n", ": ping\n\n"),
                out.flushed);
    }

    @Test
    void aFullSocketHoldsTheWriteUntilTheContainerSaysItDrained() throws IOException {
        stream.start(null);
        out.drain();
        out.fullAfterWrite = true;
        CompletableFuture<?> first = stream.write("{\"n\":1}", -1).toCompletableFuture();
        assertFalse(first.isDone(), "written, but its flush waits for the socket");
        assertTrue(out.flushed.isEmpty());

        out.fullAfterWrite = false;
        out.drain();
        assertTrue(first.isDone() && !first.isCompletedExceptionally());
        assertEquals(List.of("data: {\"n\":1}\n\n"), out.flushed);

        out.ready = false;
        CompletableFuture<?> second = stream.write("{\"n\":2}", -1).toCompletableFuture();
        assertFalse(second.isDone(), "nothing is written while the stream is not ready");
        assertInstanceOf(IllegalStateException.class,
                failure(stream.write("{\"n\":3}", -1).toCompletableFuture()), "one write at a time");
        out.drain();
        assertTrue(second.isDone() && !second.isCompletedExceptionally());
        assertEquals(List.of("data: {\"n\":1}\n\n", "data: {\"n\":2}\n\n"), out.flushed);
    }

    @Test
    void closingFailsWhatWaitsEndsTheResponseOnceAndRefusesLaterWrites() throws IOException {
        stream.start(null);
        CompletableFuture<?> waiting = stream.write("{\"n\":1}", -1).toCompletableFuture();
        stream.close(ErrorCode.SLOW_CONSUMER, "too slow");
        stream.close(ErrorCode.SLOW_CONSUMER, "again");
        assertInstanceOf(IOException.class, failure(waiting));
        assertEquals(1, async.completions);
        assertEquals(1, ended.get(), "the session hears of it once");
        assertInstanceOf(IOException.class, failure(stream.write("{\"n\":2}", -1).toCompletableFuture()));
        out.drain();
        assertTrue(out.flushed.isEmpty(), "nothing is written after the end");
    }

    @Test
    void aFailedWriteFailsTheFrameAndEndsTheStream() throws IOException {
        stream.start(null);
        out.drain();
        out.failNextWrite = new IOException("Broken pipe");
        CompletableFuture<?> write = stream.write("{\"n\":1}", -1).toCompletableFuture();
        assertEquals("Broken pipe", failure(write).getMessage());
        assertEquals(1, async.completions);
        assertEquals(1, ended.get());
    }

    @Test
    void theContainersErrorFailsTheWaitingWrite() {
        stream.start(null);
        CompletableFuture<?> waiting = stream.write("{\"n\":1}", -1).toCompletableFuture();
        stream.onError(new IOException("Connection reset by peer"));
        assertEquals("Connection reset by peer", failure(waiting).getMessage());
        assertEquals(1, async.completions);
        assertEquals(1, ended.get());
    }

    @Test
    void aClientThatLeftBeforeStartEndsWithoutWriting() throws IOException {
        CompletableFuture<?> welcome = stream.write("{\"type\":\"welcome\"}", 1).toCompletableFuture();
        stream.close(ErrorCode.INTERNAL, "the client went away");
        stream.start(null);
        assertInstanceOf(IOException.class, failure(welcome));
        assertEquals(null, out.listener, "no write listener on an ended stream");
        assertEquals(1, ended.get());
    }

    @Test
    void withADirectWriterEventsGoThereAsChunksOnceTheFirstIsOutAndNothingFollowsTheEnd() throws IOException {
        List<String> chunks = new ArrayList<>();
        List<CompletableFuture<Void>> queued = new ArrayList<>();
        GrizzlyWriteQueue.Writer direct = bytes -> {
            chunks.add(StandardCharsets.UTF_8.decode(bytes).toString());
            CompletableFuture<Void> written = new CompletableFuture<>();
            queued.add(written);
            return written;
        };
        stream.bind("s1");
        CompletableFuture<?> welcome = stream.write("{\"type\":\"welcome\"}", 1).toCompletableFuture();
        stream.start(direct);
        out.drain();
        assertTrue(welcome.isDone() && !welcome.isCompletedExceptionally());
        assertEquals(List.of("id: s1:1\ndata: {\"type\":\"welcome\"}\n\n"), out.flushed,
                "what waited for the start goes through the servlet output");

        CompletableFuture<?> event = stream.write("{\"n\":2}", 2).toCompletableFuture();
        String body = "id: s1:2\ndata: {\"n\":2}\n\n";
        assertEquals(List.of(Integer.toHexString(body.length()) + "\r\n" + body + "\r\n"), chunks);
        assertFalse(event.isDone(), "done when the connection has written it");
        queued.get(0).complete(null);
        assertTrue(event.isDone() && !event.isCompletedExceptionally());

        stream.close(ErrorCode.SHUTDOWN, "bye");
        assertEquals(1, async.completions);
        assertInstanceOf(IOException.class, failure(stream.write("{\"n\":3}", 3).toCompletableFuture()));
        assertEquals(1, chunks.size(), "nothing is queued behind the response's last chunk");
        assertEquals(1, out.flushed.size());
    }

    @Test
    void whenTheContainerEndsTheRequestTheWaitingWriteFailsAndTheResponseIsNotCompletedAgain() throws IOException {
        stream.start(null);
        CompletableFuture<?> waiting = stream.write("{\"n\":1}", -1).toCompletableFuture();
        stream.onComplete(new AsyncEvent(async));
        assertInstanceOf(IOException.class, failure(waiting));
        assertEquals(0, async.completions, "the container completed it already");
        assertEquals(1, ended.get());
        stream.close(ErrorCode.SHUTDOWN, "later");
        assertEquals(0, async.completions, "ended once");
    }
}

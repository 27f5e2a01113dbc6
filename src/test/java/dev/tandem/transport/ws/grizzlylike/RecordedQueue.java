package dev.tandem.transport.ws.grizzlylike;

import dev.tandem.transport.ws.grizzlylike.asyncqueue.AsyncQueueEnabledTransport;
import dev.tandem.transport.ws.grizzlylike.asyncqueue.AsyncQueueIO;
import dev.tandem.transport.ws.grizzlylike.asyncqueue.AsyncQueueWriter;
import dev.tandem.transport.ws.grizzlylike.asyncqueue.MessageCloner;
import dev.tandem.transport.ws.grizzlylike.asyncqueue.WritableMessage;
import dev.tandem.transport.ws.grizzlylike.memory.ByteBufferWrapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A look-alike Grizzly connection whose asynchronous write queue records every write, for the tests of
 * direct writes (GrizzlyFramesTest, GrizzlyEventsTest).
 */
public final class RecordedQueue {
    /** The package of the look-alikes, in place of Grizzly's. */
    public static final String LOOKALIKES = "dev.tandem.transport.ws.grizzlylike.";

    private RecordedQueue() {
    }

    /** Records every write; completes it at once when {@code immediate}, else when the test says so. */
    public static final class QueueWriter implements AsyncQueueWriter {
        public final List<String> written = new ArrayList<>();
        public final List<CompletionHandler<?>> handlers = new ArrayList<>();
        public final List<Object> destinations = new ArrayList<>();
        public final List<MessageCloner> cloners = new ArrayList<>();
        public boolean immediate = true;
        public Connection connection;

        @Override
        public void write(Connection on, Object destination, WritableMessage message, CompletionHandler<?> handler,
                          MessageCloner cloner) {
            connection = on;
            ByteBuffer bytes = ((ByteBufferWrapper) message).visible.duplicate();
            written.add(StandardCharsets.UTF_8.decode(bytes).toString());
            destinations.add(destination);
            cloners.add(cloner);
            handlers.add(handler);
            if (immediate) {
                handler.completed(null);
            }
        }
    }

    public record Transport(QueueWriter writer) implements AsyncQueueEnabledTransport {
        @Override
        public AsyncQueueIO getAsyncQueueIO() {
            return () -> writer;
        }
    }

    /** A filter whose name says it encrypts, as Grizzly's SSLFilter. */
    public static final class SSLFilter {
    }

    public record GrizzlyConnection(Object processor, Object transport) implements Connection {
        @Override
        public Object getProcessor() {
            return processor;
        }

        @Override
        public Object getTransport() {
            return transport;
        }
    }
}

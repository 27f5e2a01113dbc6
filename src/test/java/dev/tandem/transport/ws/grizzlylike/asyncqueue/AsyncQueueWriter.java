package dev.tandem.transport.ws.grizzlylike.asyncqueue;

import dev.tandem.transport.ws.grizzlylike.CompletionHandler;
import dev.tandem.transport.ws.grizzlylike.Connection;

/** Look-alike of Grizzly's AsyncQueueWriter: the write the transport filter makes. */
public interface AsyncQueueWriter {
    void write(Connection connection, Object destination, WritableMessage message,
               CompletionHandler<?> handler, MessageCloner cloner);
}

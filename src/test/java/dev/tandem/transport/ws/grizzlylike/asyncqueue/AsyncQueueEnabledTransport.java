package dev.tandem.transport.ws.grizzlylike.asyncqueue;

/** Look-alike of Grizzly's AsyncQueueEnabledTransport. */
public interface AsyncQueueEnabledTransport {
    AsyncQueueIO getAsyncQueueIO();
}

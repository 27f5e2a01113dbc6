package dev.tandem.transport.ws.grizzlylike.asyncqueue;

/** Look-alike of Grizzly's AsyncQueueIO. */
public interface AsyncQueueIO {
    AsyncQueueWriter getWriter();
}

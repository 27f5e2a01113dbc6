package dev.tandem.transport.ws.grizzlylike.asyncqueue;

/** Look-alike of Grizzly's MessageCloner. */
public interface MessageCloner {
}

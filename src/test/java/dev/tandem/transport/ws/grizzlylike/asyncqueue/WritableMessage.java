package dev.tandem.transport.ws.grizzlylike.asyncqueue;

/** Look-alike of Grizzly's WritableMessage. */
public interface WritableMessage {
}

package dev.tandem.transport.ws.grizzlylike;

/** Look-alike of Grizzly's Connection, for GrizzlyFramesTest: the two calls GrizzlyFrames makes. */
public interface Connection {
    Object getProcessor();

    Object getTransport();
}

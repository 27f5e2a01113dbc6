package dev.tandem.hub;

import dev.tandem.protocol.FrameCodec;

/**
 * One encoded frame on its way to a connection. Encoded once per publish and shared by every
 * subscriber. {@code topic} and {@code seq} are set for topic events so a session can track its
 * position; both are null for other frames.
 */
public record Outgoing(String text, int bytes, String topic, String epoch, long seq) {
    public static Outgoing of(String text) {
        return new Outgoing(text, FrameCodec.utf8Length(text), null, null, 0);
    }

    public static Outgoing event(String text, String topic, String epoch, long seq) {
        return new Outgoing(text, FrameCodec.utf8Length(text), topic, epoch, seq);
    }
}

package dev.tandem.session;

import dev.tandem.hub.Outgoing;
import dev.tandem.protocol.Frames;

/**
 * Where a session stands in one subscribed topic: the last event queued for it, or nothing since it
 * subscribed (position unknown). Updated on every delivery, so it costs one field write, not a new
 * position object and a map update per subscriber per publish (bench/PROFILING.md, "Payara WebSocket,
 * session 10"). The event is kept whole, so its epoch and seq are always read together.
 */
final class TopicCursor {
    private volatile Outgoing lastQueued;

    void queued(Outgoing event) {
        lastQueued = event;
    }

    /** The position after the last event queued, or {@link Frames.Position#UNKNOWN} when none was. */
    Frames.Position position() {
        Outgoing last = lastQueued;
        return last == null ? Frames.Position.UNKNOWN : new Frames.Position(last.epoch(), last.seq());
    }
}

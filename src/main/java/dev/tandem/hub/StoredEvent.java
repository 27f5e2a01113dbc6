package dev.tandem.hub;

import jakarta.json.JsonValue;
import java.util.Set;

/**
 * An event as kept in a topic's history: the data and, encoded once, the frame for its recipients and
 * the redacted frame for everybody else when it was addressed to some identities only.
 */
public record StoredEvent(long seq, JsonValue data, String from, long ts, Set<String> to,
                          String frame, String redactedFrame) {

    public boolean isFor(String identity) {
        return to == null || to.contains(identity);
    }

    /** The frame a subscriber with {@code identity} receives for this event. */
    public String frameFor(String identity) {
        return isFor(identity) ? frame : redactedFrame;
    }
}

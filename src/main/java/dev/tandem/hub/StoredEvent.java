package dev.tandem.hub;

import static dev.tandem.protocol.JsonSupport.JSON;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import java.io.StringReader;
import java.util.Set;

/**
 * An event as kept in a topic's history: encoded once, as the frame for its recipients and, when it was
 * addressed to some identities only, as the redacted frame for everybody else.
 *
 * <p>The data is kept only inside the frame, not also as a parsed JSON tree: a busy topic's history holds
 * its newest events for seconds, long enough for young collections to copy every one of them, and a parsed
 * tree costs several times the frame's own bytes. Snapshots and history pages, the only readers of the
 * data, decode it from the frame.
 */
public record StoredEvent(long seq, String from, long ts, Set<String> to, String frame, String redactedFrame) {

    public boolean isFor(String identity) {
        return to == null || to.contains(identity);
    }

    /** The frame a subscriber with {@code identity} receives for this event. */
    public String frameFor(String identity) {
        return isFor(identity) ? frame : redactedFrame;
    }

    /**
     * The event's data, decoded from its frame. The frame is read as a stream up to its {@code data} member
     * (the first one, as frames are written with their members in lexicographic order), so the rest of the
     * frame is neither parsed into values nor collected into an object.
     */
    public JsonValue data() {
        try (JsonParser parser = JSON.createParser(new StringReader(frame))) {
            parser.next();
            while (parser.next() == JsonParser.Event.KEY_NAME) {
                String member = parser.getString();
                parser.next();
                JsonValue value = parser.getValue();
                if (member.equals("data")) {
                    return value;
                }
            }
        }
        return JsonValue.NULL;
    }

    /** The event as snapshots and history pages list it: seq, data, ts, and from and to when set. */
    public JsonObject toJson() {
        var builder = JSON.createObjectBuilder().add("seq", seq).add("data", data()).add("ts", ts);
        if (from != null) {
            builder.add("from", from);
        }
        if (to != null) {
            var recipients = JSON.createArrayBuilder();
            to.forEach(recipients::add);
            builder.add("to", recipients);
        }
        return builder.build();
    }
}

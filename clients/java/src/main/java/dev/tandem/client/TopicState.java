package dev.tandem.client;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;

/** Per topic of a {@link RealtimeConnection}: the last position delivered to the listener (resume and de-duplication). */
final class TopicState {
    final String topic;
    final TopicListener listener;
    String epoch;
    long seq;

    TopicState(String topic, TopicListener listener) {
        this.topic = topic;
        this.listener = listener;
    }

    /** Subscribed without a position (new, or after a reset): events wait for the snapshot. */
    boolean awaitingSnapshot() {
        return epoch == null;
    }

    void snapshot(JsonObject frame) {
        epoch = frame.getString("epoch");
        seq = frame.getJsonNumber("seq").longValue();
        List<TopicEvent> events = new ArrayList<>();
        JsonArray list = frame.getJsonArray("events");
        for (JsonValue v : list == null ? List.<JsonValue>of() : list) {
            events.add(eventOf(topic, epoch, v.asJsonObject()));
        }
        listener.onSnapshot(topic, epoch, seq, List.copyOf(events), frame.get("state"));
    }

    void event(JsonObject frame) {
        if (awaitingSnapshot()) {
            return; // from before this subscription's snapshot, which covers it
        }
        String eventEpoch = frame.getString("epoch");
        long eventSeq = frame.getJsonNumber("seq").longValue();
        if (eventEpoch.equals(epoch) && eventSeq <= seq) {
            return; // already delivered (a replay after a resume)
        }
        epoch = eventEpoch;
        seq = eventSeq;
        listener.onEvent(eventOf(topic, epoch, frame));
    }

    void reset(JsonObject frame) {
        epoch = null;
        seq = 0;
        listener.onReset(topic, frame.getString("reason", ""));
    }

    private static TopicEvent eventOf(String topic, String epoch, JsonObject e) {
        var ts = e.getJsonNumber("ts");
        return new TopicEvent(topic, epoch, e.getJsonNumber("seq").longValue(), e.get("data"), e.getString("from", null),
                ts == null ? 0 : ts.longValue(), e.getBoolean("redacted", false));
    }
}

package dev.tandem.client;

import java.util.List;

/**
 * A page of a topic's history: the events after the requested seq, oldest first; {@code seq} is the topic's
 * current seq and {@code complete} is false when events after the requested seq were already dropped.
 */
public record History(String topic, String epoch, long seq, boolean complete, List<TopicEvent> events) {
}

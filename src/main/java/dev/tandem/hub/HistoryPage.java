package dev.tandem.hub;

import java.util.List;

/** A page of a topic's history; {@code complete} is false when events after the requested seq were dropped. */
public record HistoryPage(String topic, String epoch, long seq, List<StoredEvent> events, boolean complete) {
}

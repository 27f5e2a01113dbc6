package dev.tandem.client;

import jakarta.json.JsonValue;
import java.util.List;

/**
 * What a {@link RealtimeConnection} hands the application for one topic, each seq exactly once and in order.
 * Called on the connection's thread: return quickly (hand long work to your own executor). Calling the
 * connection from here ({@code publish}, {@code subscribe}) is fine.
 */
public interface TopicListener {

    /**
     * The topic's state at {@code seq}, which replaces whatever the application held: for a log channel the
     * last events ({@code events}), for a state channel the current JSON value ({@code state}).
     */
    default void onSnapshot(String topic, String epoch, long seq, List<TopicEvent> events, JsonValue state) {
    }

    /** A live or replayed event. */
    default void onEvent(TopicEvent event) {
    }

    /** The gap since the last event delivered is older than the topic's history: a snapshot follows. */
    default void onReset(String topic, String reason) {
    }
}

package dev.tandem.client;

/** Where a published event landed: its topic ({@code <room>/<channel>}), the topic's epoch and the event's seq. */
public record Published(String topic, String epoch, long seq) {
}

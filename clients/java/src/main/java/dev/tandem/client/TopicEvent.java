package dev.tandem.client;

import jakarta.json.JsonValue;

/**
 * One event of a topic: its seq (gap-free within an epoch), its data (null when {@code redacted}: an event
 * addressed to other identities), who published it and when (epoch ms).
 */
public record TopicEvent(String topic, String epoch, long seq, JsonValue data, String from, long ts, boolean redacted) {
}

package dev.tandem.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Frames a test client received, in order, with waiting helpers. Shared by the WebSocket and SSE clients. */
public final class ReceivedFrames {
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final BlockingQueue<JsonObject> incoming = new LinkedBlockingQueue<>();
    private final List<JsonObject> all = new ArrayList<>();

    static JsonObject parse(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    void add(JsonObject frame) {
        incoming.add(frame);
    }

    /** One WebSocket message or SSE event: a frame, or under load several frames as a JSON array. */
    void addText(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            var value = reader.readValue();
            if (value instanceof jakarta.json.JsonArray batch) {
                batch.forEach(frame -> incoming.add(frame.asJsonObject()));
            } else {
                incoming.add(value.asJsonObject());
            }
        }
    }

    /** The next frame matching {@code match}; frames before it are kept in {@link #seen()}. */
    public synchronized JsonObject await(Predicate<JsonObject> match, String what) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonObject frame;
            try {
                frame = left <= 0 ? null : incoming.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
            if (frame == null) {
                throw new AssertionError("timed out waiting for " + what + "; received: " + summary());
            }
            all.add(frame);
            if (match.test(frame)) {
                return frame;
            }
        }
    }

    public JsonObject awaitType(String type) {
        return await(f -> type.equals(f.getString("type")), type);
    }

    public JsonObject awaitReply(String id) {
        return await(f -> id.equals(f.getString("id", null)) && !"welcome".equals(f.getString("type")),
                "reply to " + id);
    }

    /** Waits until events of {@code topic} up to {@code seq} arrived, and returns all events of it seen so far. */
    public synchronized List<JsonObject> awaitEventsUpTo(String topic, long seq) {
        boolean alreadySeen = events(topic).stream().anyMatch(e -> e.getJsonNumber("seq").longValue() >= seq);
        if (alreadySeen) {
            return events(topic);
        }
        await(f -> "event".equals(f.getString("type")) && topic.equals(f.getString("topic"))
                && f.getJsonNumber("seq").longValue() >= seq, "event " + topic + "#" + seq);
        return events(topic);
    }

    /** Every event of {@code topic} received so far, without waiting (for a client read to its end). */
    public synchronized List<JsonObject> eventsReceived(String topic) {
        incoming.drainTo(all);
        return events(topic);
    }

    public synchronized List<JsonObject> seen() {
        return List.copyOf(all);
    }

    public synchronized List<JsonObject> events(String topic) {
        return all.stream().filter(f -> "event".equals(f.getString("type")) && topic.equals(f.getString("topic")))
                .toList();
    }

    public static List<Long> seqs(List<JsonObject> events) {
        return events.stream().map(e -> e.getJsonNumber("seq").longValue()).toList();
    }

    private String summary() {
        List<String> types = all.stream().map(f -> f.getString("type")).toList();
        return types.size() > 40 ? types.subList(types.size() - 40, types.size()) + " (last 40 of " + types.size() + ")"
                : types.toString();
    }
}

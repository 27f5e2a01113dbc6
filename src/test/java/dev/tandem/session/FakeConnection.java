package dev.tandem.session;

import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.JsonSupport;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A connection that records what it is sent; a stalled one never completes a write (a client that stopped reading). */
final class FakeConnection implements Connection {
    final List<JsonObject> frames = new ArrayList<>();
    final List<Long> positions = new ArrayList<>();
    volatile boolean stalled;
    volatile ErrorCode closedWith;
    final java.util.concurrent.atomic.AtomicInteger keepAlives = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public synchronized CompletionStage<?> write(String text, long position) {
        if (stalled) {
            return new CompletableFuture<>();
        }
        positions.add(position);
        try (var reader = JsonSupport.JSON.createReader(new StringReader(text))) {
            JsonValue value = reader.readValue();
            if (value instanceof jakarta.json.JsonArray batch) {
                batch.forEach(frame -> frames.add(frame.asJsonObject()));
            } else {
                frames.add(value.asJsonObject());
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close(ErrorCode code, String message) {
        closedWith = code;
    }

    @Override
    public void keepAlive() {
        keepAlives.incrementAndGet();
    }

    @Override
    public boolean unidirectional() {
        return false;
    }

    synchronized List<Long> eventSeqs(String topic) {
        return frames.stream().filter(f -> f.getString("type").equals("event") && f.getString("topic").equals(topic))
                .map(f -> f.getJsonNumber("seq").longValue()).toList();
    }

    synchronized List<String> types() {
        return frames.stream().map(f -> f.getString("type")).toList();
    }

    synchronized long lastPosition() {
        return positions.stream().filter(p -> p > 0).reduce((a, b) -> b).orElse(0L);
    }
}

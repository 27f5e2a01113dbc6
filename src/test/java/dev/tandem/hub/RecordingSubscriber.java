package dev.tandem.hub;

import dev.tandem.protocol.JsonSupport;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A subscriber that keeps every frame it is given, parsed. */
class RecordingSubscriber implements Subscriber {
    private final String key;
    private final String identity;
    final List<JsonObject> frames = new CopyOnWriteArrayList<>();

    RecordingSubscriber(String key, String identity) {
        this.key = key;
        this.identity = identity;
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public String identity() {
        return identity;
    }

    @Override
    public void deliver(Outgoing frame) {
        try (var reader = JsonSupport.JSON.createReader(new StringReader(frame.text()))) {
            frames.add(reader.readObject());
        }
    }

    List<JsonObject> ofType(String type) {
        return frames.stream().filter(f -> f.getString("type").equals(type)).toList();
    }

    List<Long> eventSeqs() {
        return ofType("event").stream().map(f -> f.getJsonNumber("seq").longValue()).toList();
    }

    List<String> types() {
        return frames.stream().map(f -> f.getString("type")).toList();
    }
}

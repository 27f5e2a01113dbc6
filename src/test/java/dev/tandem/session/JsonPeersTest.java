package dev.tandem.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tandem.auth.Role;
import dev.tandem.config.TandemConfig;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every JSON-mode subscriber of a document gets the same doc.patch for each batch of changes. */
class JsonPeersTest {
    private final SessionFixture fixture = new SessionFixture(TandemConfig.defaults());

    @AfterEach
    void stop() {
        fixture.close();
    }


    private static List<JsonObject> framesOfType(FakeConnection connection, String type, int atLeast) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (connection) {
                List<JsonObject> found = connection.frames.stream().filter(f -> type.equals(f.getString("type"))).toList();
                if (found.size() >= atLeast) {
                    return found;
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("fewer than " + atLeast + " " + type + " frames in " + connection.frames);
    }

    @Test
    void aWritersOpsReachEveryJsonSubscriberAsTheSamePatch() {
        FakeConnection writerConnection = new FakeConnection();
        FakeConnection viewerConnection = new FakeConnection();
        ClientSession writer = fixture.open(writerConnection, "ann", Role.COLLABORATOR);
        ClientSession viewer = fixture.open(viewerConnection, "bob", Role.VIEWER);
        writer.receive("{\"type\":\"doc.subscribe\",\"id\":\"s\",\"doc\":\"r1/canvas\",\"mode\":\"json\"}");
        viewer.receive("{\"type\":\"doc.subscribe\",\"id\":\"s\",\"doc\":\"r1/canvas\",\"mode\":\"json\"}");
        framesOfType(writerConnection, "ack", 1);
        framesOfType(viewerConnection, "ack", 1);

        writer.receive("{\"type\":\"doc.ops\",\"id\":\"o\",\"doc\":\"r1/canvas\",\"ops\":[{\"op\":\"put\","
                + "\"path\":[\"shapes\",\"s1\"],\"value\":{\"kind\":\"stroke\",\"z\":7}}]}");

        JsonObject toWriter = framesOfType(writerConnection, "doc.patch", 1).get(0);
        JsonObject toViewer = framesOfType(viewerConnection, "doc.patch", 1).get(0);
        assertEquals(toWriter, toViewer);
        assertEquals("r1/canvas", toViewer.getString("doc"));
        assertEquals(framesOfType(writerConnection, "ack", 2).get(1).getJsonArray("heads"), toViewer.getJsonArray("heads"));
        String patches = toViewer.getJsonArray("patches").toString();
        assertEquals(List.of("put shapes/s1", "put shapes/s1/kind", "put shapes/s1/z"),
                toViewer.getJsonArray("patches").stream().map(p -> p.asJsonObject().getString("op") + " "
                        + String.join("/", p.asJsonObject().getJsonArray("path").getValuesAs(jakarta.json.JsonString::getString)))
                        .sorted().toList(), patches);
    }
}

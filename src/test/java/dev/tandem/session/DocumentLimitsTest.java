package dev.tandem.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.auth.Role;
import dev.tandem.config.TandemConfig;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The room's document quota counts writers' documents only; a connection holds a bounded number of documents. */
class DocumentLimitsTest {
    private final SessionFixture fixture = new SessionFixture(TandemConfig.from(
            Map.of("maxDocumentsPerRoom", "2", "maxSubscriptions", "3")::get));

    @AfterEach
    void stop() {
        fixture.close();
    }

    private ClientSession open(FakeConnection connection, String identity, Role role) {
        String token = fixture.tokens.mint(fixture.tokens.mint(identity, identity, List.of("r1"), role, Duration.ofMinutes(5)));
        return fixture.registry.open(token, null, connection, null);
    }

    private static void subscribe(ClientSession session, String id, String doc) {
        session.receive("{\"type\":\"doc.subscribe\",\"id\":\"" + id + "\",\"doc\":\"" + doc + "\",\"mode\":\"json\"}");
    }

    /** The ack or error answering request {@code id}, waiting for it. */
    private static JsonObject answer(FakeConnection connection, String id) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (connection) {
                for (JsonObject frame : connection.frames) {
                    if (id.equals(frame.getString("id", null))
                            && List.of("ack", "error").contains(frame.getString("type"))) {
                        return frame;
                    }
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no answer to " + id + " in " + connection.frames);
    }

    @Test
    void aViewerReadingNewDocumentsNeitherStoresThemNorUsesUpTheRoomsQuota() {
        FakeConnection viewerConnection = new FakeConnection();
        ClientSession viewer = open(viewerConnection, "vic", Role.VIEWER);
        subscribe(viewer, "v1", "r1/canvas");
        subscribe(viewer, "v2", "r1/thread/1");
        subscribe(viewer, "v3", "r1/thread/2");
        for (String id : List.of("v1", "v2", "v3")) {
            assertEquals("ack", answer(viewerConnection, id).getString("type"), id);
        }
        assertEquals(3, viewerConnection.frames.stream().filter(f -> f.getString("type").equals("doc.snapshot") && f.containsKey("view")).count());

        FakeConnection writerConnection = new FakeConnection();
        ClientSession writer = open(writerConnection, "wes", Role.COLLABORATOR);
        subscribe(writer, "w1", "r1/thread/1");
        subscribe(writer, "w2", "r1/thread/3");
        subscribe(writer, "w3", "r1/thread/4");
        assertEquals("ack", answer(writerConnection, "w1").getString("type"));
        assertEquals("ack", answer(writerConnection, "w2").getString("type"));
        JsonObject refused = answer(writerConnection, "w3");
        assertEquals("error", refused.getString("type"));
        assertEquals("limit_exceeded", refused.getString("code"), "the quota of 2 is the writer's two documents");
        assertTrue(fixture.store.load("r1/canvas").isEmpty(), "nothing was written for the viewer");
        assertEquals(0, fixture.store.appendCount());
    }

    @Test
    void aConnectionHoldsAtMostMaxSubscriptionsDocuments() {
        FakeConnection connection = new FakeConnection();
        ClientSession viewer = open(connection, "vic", Role.VIEWER);
        subscribe(viewer, "a", "r1/thread/1");
        subscribe(viewer, "b", "r1/thread/2");
        subscribe(viewer, "c", "r1/thread/3");
        subscribe(viewer, "d", "r1/thread/4");
        assertEquals("ack", answer(connection, "c").getString("type"));
        JsonObject refused = answer(connection, "d");
        assertEquals("limit_exceeded", refused.getString("code"));
        subscribe(viewer, "again", "r1/thread/3");
        assertEquals("ack", answer(connection, "again").getString("type"), "subscribing again is no new document");
        viewer.receive("{\"type\":\"doc.unsubscribe\",\"id\":\"u\",\"doc\":\"r1/thread/1\"}");
        assertEquals("ack", answer(connection, "u").getString("type"));
        subscribe(viewer, "e", "r1/thread/4");
        assertEquals("ack", answer(connection, "e").getString("type"), "room again after leaving one");
    }
}

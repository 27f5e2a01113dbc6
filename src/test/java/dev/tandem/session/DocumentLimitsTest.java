package dev.tandem.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.auth.Role;
import dev.tandem.config.TandemConfig;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The room's document quota counts writers' documents only; a connection holds a bounded number of documents. */
class DocumentLimitsTest {
    private final SessionFixture fixture = new SessionFixture(TandemConfig.from(
            Map.of("maxDocumentsPerRoom", "2", "maxSubscriptions", "3")::get));
    private int requests;

    @AfterEach
    void stop() {
        fixture.close();
    }


    /** Subscribes {@code session} to each of {@code docs} in json mode; returns each answer: "ack" or the error code. */
    private List<String> subscribe(ClientSession session, FakeConnection connection, String... docs) {
        List<String> answers = new ArrayList<>();
        for (String doc : docs) {
            String id = "s" + (++requests);
            session.receive("{\"type\":\"doc.subscribe\",\"id\":\"" + id + "\",\"doc\":\"" + doc + "\",\"mode\":\"json\"}");
            JsonObject answer = answer(connection, id);
            answers.add(answer.getString("type").equals("ack") ? "ack" : answer.getString("code"));
        }
        return answers;
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
        ClientSession viewer = fixture.open(viewerConnection, "vic", Role.VIEWER);
        assertEquals(List.of("ack", "ack", "ack"), subscribe(viewer, viewerConnection, "r1/canvas", "r1/thread/1", "r1/thread/2"));
        assertEquals(3, viewerConnection.frames.stream()
                .filter(f -> f.getString("type").equals("doc.snapshot") && f.containsKey("view")).count());

        FakeConnection writerConnection = new FakeConnection();
        ClientSession writer = fixture.open(writerConnection, "wes", Role.COLLABORATOR);
        assertEquals(List.of("ack", "ack", "limit_exceeded"),
                subscribe(writer, writerConnection, "r1/thread/1", "r1/thread/3", "r1/thread/4"),
                "the quota of 2 is the writer's two documents");
        assertTrue(fixture.store.load("r1/canvas").isEmpty(), "nothing was written for the viewer");
        assertEquals(0, fixture.store.appendCount());
        FakeConnection laterConnection = new FakeConnection();
        ClientSession later = fixture.open(laterConnection, "val", Role.VIEWER);
        assertEquals(List.of("ack", "limit_exceeded"), subscribe(later, laterConnection, "r1/thread/3", "r1/thread/5"),
                "in a full room a viewer opens the writers' documents, not new ones");
    }

    @Test
    void aConnectionHoldsAtMostMaxSubscriptionsDocuments() {
        FakeConnection connection = new FakeConnection();
        ClientSession viewer = fixture.open(connection, "vic", Role.VIEWER);
        assertEquals(List.of("ack", "ack", "ack", "limit_exceeded", "ack"),
                subscribe(viewer, connection, "r1/thread/1", "r1/thread/2", "r1/thread/3", "r1/thread/4", "r1/thread/3"),
                "subscribing again to one of the three is no new document");
        viewer.receive("{\"type\":\"doc.unsubscribe\",\"id\":\"u\",\"doc\":\"r1/thread/1\"}");
        assertEquals("ack", answer(connection, "u").getString("type"));
        assertEquals(List.of("ack"), subscribe(viewer, connection, "r1/thread/4"), "room again after leaving one");
    }
}

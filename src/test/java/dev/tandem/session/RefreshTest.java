package dev.tandem.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tandem.auth.Role;
import dev.tandem.auth.TokenService;
import dev.tandem.config.TandemConfig;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A {@code refresh} frame swaps the token only when the new one still grants every subscription. */
class RefreshTest {
    private final SessionFixture fixture = new SessionFixture(TandemConfig.defaults());
    private final TokenService tokens = fixture.tokens;
    private final SessionRegistry registry = fixture.registry;
    private final FakeConnection connection = new FakeConnection();

    @AfterEach
    void stop() {
        fixture.close();
    }

    private String token(Role role, String... rooms) {
        return tokens.mint(tokens.mint("alice", "Alice", List.of(rooms), role, Duration.ofMinutes(5)));
    }

    private ClientSession open(String token) {
        return registry.open(token, null, connection, null);
    }

    /** The reply (ack or error) to the request with this id; document replies come from the document's thread. */
    private JsonObject replyTo(String id) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (connection) {
                for (JsonObject frame : connection.frames) {
                    if (id.equals(frame.getString("id", null))) {
                        return frame;
                    }
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no reply to " + id + " in " + connection.frames);
    }

    /** Subscribes {@code doc} in {@code mode} and checks that the subscription was acknowledged. */
    private void subscribeDocument(ClientSession session, String doc, String mode) {
        session.receive("{\"type\":\"doc.subscribe\",\"id\":\"s\",\"doc\":\"" + doc + "\",\"mode\":\"" + mode + "\"}");
        assertEquals("ack", replyTo("s").getString("type"));
    }

    private static String refresh(String id, String token) {
        return "{\"type\":\"refresh\",\"id\":\"" + id + "\",\"token\":\"" + token + "\"}";
    }

    @Test
    void aTokenThatNoLongerGrantsTheRoomOfASubscribedDocumentIsRefusedAndTheOldOneStays() {
        ClientSession session = open(token(Role.COLLABORATOR, "r1", "r2"));
        subscribeDocument(session, "r2/canvas", "json");

        session.receive(refresh("f", token(Role.COLLABORATOR, "r1")));

        JsonObject refused = replyTo("f");
        assertEquals("error", refused.getString("type"));
        assertEquals("forbidden", refused.getString("code"));
        assertEquals(List.of("r1", "r2"), session.principal().rooms(), "the old token stays in force");
    }

    @Test
    void aReadOnlyTokenIsRefusedWhileADocumentIsSubscribedInSyncMode() {
        ClientSession session = open(token(Role.COLLABORATOR, "r1"));
        subscribeDocument(session, "r1/canvas", "sync");

        session.receive(refresh("f", token(Role.VIEWER, "r1")));

        assertEquals("forbidden", replyTo("f").getString("code"));
        assertEquals(Role.COLLABORATOR, session.principal().role());
    }

    @Test
    void aTokenThatGrantsEverySubscribedDocumentIsAccepted() {
        ClientSession session = open(token(Role.COLLABORATOR, "r1", "r2"));
        subscribeDocument(session, "r1/canvas", "json");

        session.receive(refresh("f", token(Role.VIEWER, "r1")));

        assertEquals("ack", replyTo("f").getString("type"), "a JSON-mode reader needs read access only");
        assertEquals(List.of("r1"), session.principal().rooms());
        assertEquals(Role.VIEWER, session.principal().role());
    }
}

package dev.tandem.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.auth.Role;
import dev.tandem.config.TandemConfig;
import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.ProtocolException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnectionHandlerTest {
    private final SessionFixture fixture = new SessionFixture(TandemConfig.defaults());

    @AfterEach
    void stop() {
        fixture.close();
    }

    private String token(String identity) {
        return fixture.tokens.mint(fixture.tokens.mint(identity, identity, List.of("r1"), Role.COLLABORATOR,
                Duration.ofMinutes(5)));
    }

    @Test
    void aHelloWithoutATokenOrWithAnEmptyOneIsUnauthorizedAndClosesTheConnection() {
        for (String hello : new String[] {"{\"type\":\"hello\",\"id\":\"h1\",\"token\":\"\"}",
                "{\"type\":\"hello\",\"id\":\"h1\"}", "{\"type\":\"hello\",\"id\":\"h1\",\"token\":\"   \"}"}) {
            var connection = new FakeConnection();
            var handler = new ConnectionHandler(fixture.registry, connection);
            handler.onText(hello);
            assertEquals(1, connection.frames.size(), hello);
            assertEquals("error", connection.frames.get(0).getString("type"), hello);
            assertEquals("unauthorized", connection.frames.get(0).getString("code"), hello);
            assertEquals("h1", connection.frames.get(0).getString("id"), hello);
            assertEquals(ErrorCode.UNAUTHORIZED, connection.closedWith, hello);
            assertNull(handler.session(), hello);
        }
    }

    @Test
    void aHelloWithAMistypedTokenIsAMalformedFrameAndTheConnectionStaysOpen() {
        var connection = new FakeConnection();
        var handler = new ConnectionHandler(fixture.registry, connection);
        handler.onText("{\"type\":\"hello\",\"id\":\"h1\",\"token\":5}");
        assertEquals("bad_request", connection.frames.get(0).getString("code"));
        assertNull(connection.closedWith);
        handler.onText("{\"type\":\"hello\",\"id\":\"h2\",\"token\":\"" + token("ann") + "\"}");
        assertEquals("welcome", connection.frames.get(1).getString("type"));
    }

    @Test
    void openOrThrowRefusesAConnectionOverTheIdentitysLimitWithoutTouchingTheConnection() {
        var registry = fixture.registry(TandemConfig.from(name -> name.equals("maxConnectionsPerIdentity") ? "1" : null));
        try {
            new ConnectionHandler(registry, new FakeConnection()).openOrThrow(token("ben"), null);
            var refusedConnection = new FakeConnection();
            var refused = assertThrows(ProtocolException.class,
                    () -> new ConnectionHandler(registry, refusedConnection).openOrThrow(token("ben"), null));
            assertEquals(ErrorCode.LIMIT_EXCEEDED, refused.code());
            assertTrue(refusedConnection.frames.isEmpty(), "the transport answers with a status, not a frame");
            assertNull(refusedConnection.closedWith);
            assertEquals(ErrorCode.UNAUTHORIZED, assertThrows(ProtocolException.class,
                    () -> new ConnectionHandler(registry, new FakeConnection()).openOrThrow("garbage", null)).code());
        } finally {
            registry.shutdown();
        }
    }

    @Test
    void aBinaryMessageIsBadRequestBeforeAndAfterHelloAndChangesNothing() {
        var connection = new FakeConnection();
        var handler = new ConnectionHandler(fixture.registry, connection);
        handler.onUnsupported("binary messages are not supported");
        assertEquals("bad_request", connection.frames.get(0).getString("code"));
        handler.onText("{\"type\":\"hello\",\"id\":\"h1\",\"token\":\"" + token("cy") + "\"}");
        assertEquals("welcome", connection.frames.get(1).getString("type"));
        handler.onUnsupported("binary messages are not supported");
        assertEquals(List.of("error", "welcome", "error"), connection.types());
        assertEquals("bad_request", connection.frames.get(2).getString("code"));
        assertNull(connection.closedWith);
        assertEquals(0, handler.session().subscriptionCount());
    }

    /** A connection whose writes complete when the test says so, and which counts writes that overlapped. */
    private static final class ManualConnection implements Connection {
        final List<String> written = new java.util.ArrayList<>();
        final java.util.ArrayDeque<java.util.concurrent.CompletableFuture<Void>> inFlight = new java.util.ArrayDeque<>();
        int overlapping;

        @Override
        public synchronized java.util.concurrent.CompletionStage<?> write(String text, long position) {
            if (!inFlight.isEmpty()) {
                overlapping++;
            }
            written.add(text);
            var done = new java.util.concurrent.CompletableFuture<Void>();
            inFlight.add(done);
            return done;
        }

        void completeOne() {
            java.util.concurrent.CompletableFuture<Void> done;
            synchronized (this) {
                done = inFlight.poll();
            }
            done.complete(null);
        }

        synchronized int writes() {
            return written.size();
        }

        @Override
        public void close(ErrorCode code, String message) {
        }

        @Override
        public boolean unidirectional() {
            return false;
        }
    }

    @Test
    void aHelloRightAfterARefusedFrameGetsItsWelcomeOnlyOnceTheRefusalIsWritten() {
        var connection = new ManualConnection();
        var handler = new ConnectionHandler(fixture.registry, connection);
        handler.onText("{\"type\":\"subscribe\",\"id\":\"early\",\"topic\":\"r1/chat\"}");
        handler.onText("{\"type\":\"hello\",\"id\":\"h1\",\"token\":\"" + token("dee") + "\"}");
        handler.onText("{\"type\":\"subscribe\",\"id\":\"s1\",\"topic\":\"r1/chat\"}");
        assertEquals(1, connection.writes(), "the welcome waits for the refusal still being written");
        connection.completeOne();
        assertEquals(2, connection.writes());
        assertTrue(connection.written.get(1).contains("\"welcome\""), connection.written.get(1));
        while (connection.writes() < 4 && !connection.inFlight.isEmpty()) {
            connection.completeOne();
        }
        assertEquals(0, connection.overlapping, "never two writes in flight on one connection");
        assertTrue(connection.written.get(0).contains("unauthorized"), connection.written.get(0));
        assertTrue(String.join("", connection.written).contains("\"s1\""), "the subscribe after hello was answered");
    }
}

package dev.tandem.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.auth.Role;
import dev.tandem.config.TandemConfig;
import dev.tandem.hub.WriterPool;
import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.ProtocolException;
import dev.tandem.protocol.TopicName;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a session answers to requests it refuses, and how concurrent requests leave it. */
class RequestErrorsTest {
    private final SessionFixture fixture = new SessionFixture(TandemConfig.defaults());
    private final FakeConnection connection = new FakeConnection();

    @AfterEach
    void stop() {
        fixture.close();
    }

    private ClientSession open(Role role) {
        return fixture.registry.open(token("alice", role, "r1"), null, connection, null);
    }

    /** The error frames received so far, in order; document errors come from the document's thread. */
    private List<JsonObject> errors(int atLeast) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            List<JsonObject> errors = new ArrayList<>();
            synchronized (connection) {
                connection.frames.stream().filter(f -> "error".equals(f.getString("type"))).forEach(errors::add);
            }
            if (errors.size() >= atLeast || System.nanoTime() > deadline) {
                return errors;
            }
            Thread.onSpinWait();
        }
    }

    /** A POSTed body: an array of {@code count} frames, {@code frame} making the i-th. */
    private static JsonArray body(int count, IntFunction<JsonObjectBuilder> frame) {
        JsonArrayBuilder body = Json.createArrayBuilder();
        for (int i = 0; i < count; i++) {
            body.add(frame.apply(i));
        }
        return body.build();
    }

    private static JsonObjectBuilder ping(int i) {
        return Json.createObjectBuilder().add("type", "ping").add("id", "p" + i);
    }

    @Test
    void aPostedBodyOfMoreFramesThanAQuarterOfTheOutboxIsRefusedWholeAndOneThatFitsIsAnsweredInFull() {
        try (SessionFixture small = new SessionFixture(TandemConfig.defaults().withOutbox(200, 4L * 1024 * 1024))) {
            FakeConnection stream = new FakeConnection();
            ClientSession session = small.open(stream, "alice", Role.COLLABORATOR);
            assertEquals(50, stream.frames.get(0).getInt("maxFramesPerPost"), "the welcome tells the limit");
            var refused = assertThrows(ProtocolException.class,
                    () -> session.receive(body(51, RequestErrorsTest::ping)));
            assertEquals(ErrorCode.TOO_LARGE, refused.code(), refused.getMessage());
            assertEquals(List.of("welcome"), stream.types(), "nothing in the body was handled");

            session.receive(body(50, RequestErrorsTest::ping));
            assertEquals(50, stream.types().stream().filter("pong"::equals).count());
            assertEquals(null, stream.closedWith);
        }
    }

    @Test
    void aBodyThatMeetsAnOverflowedOutboxStopsThereAndSaysHowManyFramesItHandled() {
        try (SessionFixture small = new SessionFixture(TandemConfig.defaults().withOutbox(40, 4L * 1024 * 1024))) {
            FakeConnection stream = new FakeConnection();
            ClientSession session = small.open(stream, "alice", Role.COLLABORATOR);
            stream.stalled = true; // the client stopped reading: nothing more is written
            IntFunction<JsonArray> publishes = n -> body(n, i -> Json
                    .createObjectBuilder().add("type", "publish").add("id", "p" + i).add("topic", "r1/chat").add("data", i));
            int handled = 0;
            for (int body = 0; body < 10 && handled == 10 * body; body++) {
                handled += session.receive(publishes.apply(10));
            }
            // 40 acks wait (one more may be in the stalled write) before the next one overflows the outbox.
            assertTrue(handled >= 40 && handled <= 42, "stopped inside the fifth body: " + handled);
            assertEquals(handled, small.hub.history(TopicName.parse("r1/chat"), 0, 1000).events().size(),
                    "exactly the handled publishes took effect");
            assertEquals(0, session.receive(publishes.apply(3)), "an overflowed session handles nothing more");
            assertEquals(handled, small.hub.history(TopicName.parse("r1/chat"), 0, 1000).events().size());
        }
    }

    @Test
    void anErrorAnsweringADocumentRequestNamesTheDocumentEvenWithoutAnId() {
        ClientSession session = open(Role.COLLABORATOR);
        session.receive("{\"type\":\"doc.sync\",\"doc\":\"r1/canvas\",\"data\":\"AAAA\"}");
        session.receive("{\"type\":\"doc.subscribe\",\"id\":\"s\",\"doc\":\"r1/notes\",\"mode\":\"sync\"}");
        session.receive("{\"type\":\"doc.sync\",\"doc\":\"r1/notes\",\"data\":\"not base64!\"}");
        session.receive("{\"type\":\"doc.sync\",\"doc\":\"r1/thread\"}");
        session.receive("{\"type\":\"doc.ops\",\"id\":\"o\",\"doc\":\"r9/canvas\",\"ops\":[]}");
        session.receive("{\"type\":\"publish\",\"id\":\"p\",\"topic\":\"r9/chat\",\"data\":1}");

        List<JsonObject> errors = errors(5);
        assertEquals(5, errors.size(), errors::toString);
        assertEquals(List.of("r1/canvas", "r1/notes", "r1/thread", "r9/canvas", "-"),
                errors.stream().map(e -> e.getString("doc", "-")).toList(), "each error names its document, in order");
        assertEquals(List.of("bad_request", "bad_request", "bad_request", "forbidden", "forbidden"),
                errors.stream().map(e -> e.getString("code")).toList());
        assertEquals(List.of("-", "-", "-", "o", "p"), errors.stream().map(e -> e.getString("id", "-")).toList());
    }

    /** Two requests for one topic racing (two SSE POSTs): the hub and the session must agree afterwards. */
    @Test
    void aSubscribeRacingAnUnsubscribeLeavesTheHubAndTheSessionAgreeing() throws Exception {
        ClientSession session = open(Role.COLLABORATOR);
        TopicName topic = TopicName.parse("r1/chat");
        CyclicBarrier start = new CyclicBarrier(2);
        int disagreements = 0;
        for (int round = 0; round < 2_000; round++) {
            String id = "s" + round;
            Thread subscriber = new Thread(() -> {
                await(start);
                session.receive("{\"type\":\"subscribe\",\"id\":\"" + id + "\",\"topic\":\"r1/chat\"}");
            });
            String unsubscribeId = "u" + round;
            Thread unsubscriber = new Thread(() -> {
                await(start);
                session.receive("{\"type\":\"unsubscribe\",\"id\":\"" + unsubscribeId + "\",\"topic\":\"r1/chat\"}");
            });
            subscriber.start();
            unsubscriber.start();
            subscriber.join();
            unsubscriber.join();
            if (fixture.hub.subscriberCount(topic) != session.subscriptionCount()) {
                disagreements++;
            }
            session.receive("{\"type\":\"unsubscribe\",\"id\":\"clean" + round + "\",\"topic\":\"r1/chat\"}");
        }
        assertEquals(0, disagreements, "rounds after which the hub and the session disagreed");
        session.receive("{\"type\":\"subscribe\",\"id\":\"last\",\"topic\":\"r1/chat\"}");
        assertEquals(1, fixture.hub.subscriberCount(topic));
        session.end(ErrorCode.SHUTDOWN, "test over");
        assertEquals(0, fixture.hub.subscriberCount(topic), "an ended session leaves nothing behind in the hub");
        assertFalse(session.attached());
    }

    @Test
    void documentRequestsRefusedForTheirRoomDoNotCountAgainstThatRoomsDocumentQuota() {
        SessionRegistry registry = new SessionRegistry(SessionSettings.from(fixture.config, WriterPool.direct()),
                fixture.hub, fixture.docs, fixture.codec, fixture.tokens, fixture.timer, Clock.systemUTC(),
                new DocumentQuota(2, room -> Set.of(), doc -> false));
        try {
            ClientSession outsider = registry.open(token("mallory", Role.COLLABORATOR, "r1"), null, connection, null);
            ClientSession viewer = registry.open(token("vera", Role.VIEWER, "r2"), null, connection, null);
            for (int i = 0; i < 3; i++) {
                outsider.receive("{\"type\":\"doc.ops\",\"id\":\"m" + i + "\",\"doc\":\"r2/junk" + i + "\",\"ops\":[]}");
                outsider.receive("{\"type\":\"doc.subscribe\",\"id\":\"n" + i + "\",\"doc\":\"r2/spam" + i + "\"}");
                viewer.receive("{\"type\":\"doc.ops\",\"id\":\"v" + i + "\",\"doc\":\"r2/junk" + i + "\",\"ops\":[]}");
            }
            assertEquals(9, errors(9).stream().filter(e -> "forbidden".equals(e.getString("code"))).count());

            FakeConnection own = new FakeConnection();
            ClientSession member = registry.open(token("bob", Role.COLLABORATOR, "r2"), null, own, null);
            String put = "\",\"ops\":[{\"op\":\"put\",\"path\":[\"title\"],\"value\":\"x\"}]}";
            member.receive("{\"type\":\"doc.ops\",\"id\":\"a\",\"doc\":\"r2/canvas" + put);
            member.receive("{\"type\":\"doc.ops\",\"id\":\"b\",\"doc\":\"r2/notes" + put);
            member.receive("{\"type\":\"doc.ops\",\"id\":\"c\",\"doc\":\"r2/third" + put);
            assertEquals(List.of("ack", "ack", "error:limit_exceeded"),
                    List.of(reply(own, "a"), reply(own, "b"), reply(own, "c")),
                    "the room's two documents go to its own members");
        } finally {
            registry.shutdown();
        }
    }

    private String token(String identity, Role role, String room) {
        return fixture.tokens.mint(fixture.tokens.mint(identity, identity, List.of(room), role, Duration.ofMinutes(5)));
    }

    /** "ack", or "error:" and the code, of the reply to request {@code id}. */
    private static String reply(FakeConnection on, String id) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (on) {
                for (JsonObject frame : on.frames) {
                    if (id.equals(frame.getString("id", null))) {
                        String type = frame.getString("type");
                        return "error".equals(type) ? "error:" + frame.getString("code") : type;
                    }
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no reply to " + id);
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

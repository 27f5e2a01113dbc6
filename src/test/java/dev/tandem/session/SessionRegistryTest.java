package dev.tandem.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.auth.Role;
import dev.tandem.auth.TokenService;
import dev.tandem.config.TandemConfig;
import dev.tandem.hub.Hub;
import dev.tandem.hub.WriterPool;
import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.JsonSupport;
import dev.tandem.protocol.TopicName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionRegistryTest {
    private static final TopicName TOPIC = new TopicName("r1", "chat");
    private final SessionFixture fixture = new SessionFixture(
            TandemConfig.defaults().withOutbox(20, 1_000_000).withHistorySize(HISTORY));
    /** Events each topic keeps: a stalled session is cut once the history no longer holds its next event. */
    private static final int HISTORY = 50;
    private final Hub hub = fixture.hub;
    private final TokenService tokens = fixture.tokens;
    private final SessionRegistry registry = fixture.registry;

    @AfterEach
    void stop() {
        fixture.close();
    }

    private String token(String identity) {
        return tokens.mint(tokens.mint(identity, identity, List.of("r1"), Role.COLLABORATOR, Duration.ofMinutes(5)));
    }

    private void publish(int count) {
        for (int i = 0; i < count; i++) {
            hub.publish(TOPIC, JsonSupport.JSON.createValue(i), "server", null);
        }
    }

    /** A stalled connection cannot take its bye: it is closed when the grace period (2 s) ends. */
    private static void awaitClosed(FakeConnection connection) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (connection.closedWith == null && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Test
    void aStalledConnectionIsCutAsSlowConsumerOnceItFallsBehindTheHistoryWhileTheOthersReceiveEverything() {
        var slow = new FakeConnection();
        var fast = new FakeConnection();
        ClientSession stalled = registry.open(token("slow"), null, slow, null);
        stalled.receive("{\"type\":\"subscribe\",\"id\":\"1\",\"topic\":\"r1/chat\"}");
        registry.open(token("fast"), null, fast, null).receive("{\"type\":\"subscribe\",\"id\":\"1\",\"topic\":\"r1/chat\"}");
        slow.stalled = true;
        publish(40);
        assertNull(slow.closedWith, "behind, but the history still holds what it needs");
        assertEquals(1, hub.catchingUpCount(TOPIC), "no longer pushed to: it will catch up from the history");
        publish(60);
        assertEquals(LongStream.rangeClosed(1, 100).boxed().toList(), fast.eventSeqs("r1/chat"), fast.frames.toString());
        awaitClosed(slow);
        assertEquals(ErrorCode.SLOW_CONSUMER, slow.closedWith);
        assertNull(fast.closedWith);
        assertEquals(1, hub.subscriberCount(TOPIC), "the slow session left the topic");

        var again = new FakeConnection();
        registry.open(token("slow"), stalled.id() + ":" + slow.lastPosition(), again, null);
        // Its outbox held more than the room for events, so the resume replays from the history instead
        // (nothing of what it queued is left there): a reset and a fresh snapshot. Events before the
        // reset, if any, are a gap-free prefix.
        List<String> types = again.types();
        int reset = types.indexOf("reset");
        List<Long> queued = again.eventSeqs("r1/chat");
        assertTrue(queued.size() < 20, "at most the frames its outbox held: " + queued);
        assertEquals(LongStream.rangeClosed(1, queued.size()).boxed().toList(), queued);
        assertEquals("welcome", types.get(0));
        assertEquals(List.of("reset", "snapshot"), types.subList(reset, reset + 2), types.toString());
        assertEquals("history_gone", again.frames.get(reset).getString("reason"));
        assertEquals(100, again.frames.get(reset + 1).getInt("seq"));
        publish(1);
        List<Long> all = again.eventSeqs("r1/chat");
        assertEquals(101L, all.get(all.size() - 1), "live events continue after the snapshot");
        assertEquals(queued.size() + 1, all.size());
    }

    @Test
    void everyHeartbeatSendsAPingFrameAndAsksTheConnectionToKeepTheSocketAliveUntilItIsGone() throws Exception {
        SessionSettings usual = SessionSettings.from(fixture.config, WriterPool.direct());
        SessionRegistry beating = fixture.registry(new SessionSettings(usual.outboxMaxFrames(), usual.outboxMaxBytes(),
                usual.replayFrames(), usual.maxSubscriptions(), usual.ttl(), Duration.ofMillis(40), usual.writer(),
                usual.security()));
        try {
            var listening = new FakeConnection();
            ClientSession session = beating.open(token("dora"), null, listening, null);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (listening.keepAlives.get() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(listening.keepAlives.get() >= 3, "a keep-alive with every heartbeat");
            assertTrue(listening.types().contains("ping"), listening.types().toString());
            session.connectionClosed(listening);
            int afterClose = listening.keepAlives.get();
            Thread.sleep(200);
            assertTrue(listening.keepAlives.get() <= afterClose + 1, "none once the connection is gone (one may be under way)");
        } finally {
            beating.shutdown();
        }
    }

    @Test
    void aSessionResumedFromItsLastPositionGetsExactlyTheMissedFrames() {
        var first = new FakeConnection();
        ClientSession session = registry.open(token("bob"), null, first, null);
        session.receive("{\"type\":\"subscribe\",\"id\":\"1\",\"topic\":\"r1/chat\"}");
        publish(5);
        long lastSeen = first.lastPosition();
        session.connectionClosed(first);
        publish(7);
        var second = new FakeConnection();
        ClientSession resumed = registry.open(token("bob"), session.id() + ":" + lastSeen, second, null);
        assertEquals(session.id(), resumed.id());
        assertEquals("welcome", second.types().get(0));
        assertTrue(second.frames.get(0).getBoolean("resumed"));
        assertEquals(LongStream.rangeClosed(6, 12).boxed().toList(), second.eventSeqs("r1/chat"));
    }

    @Test
    void theConnectionASessionIsResumedAwayFromIsToldByeReplacedThenClosed() {
        var first = new FakeConnection();
        ClientSession session = registry.open(token("dora"), null, first, null);
        session.receive("{\"type\":\"subscribe\",\"id\":\"1\",\"topic\":\"r1/chat\"}");
        publish(2);
        var second = new FakeConnection();
        registry.open(token("dora"), session.id() + ":" + first.lastPosition(), second, null);
        awaitClosed(first);
        assertEquals(ErrorCode.REPLACED, first.closedWith);
        var bye = first.frames.get(first.frames.size() - 1);
        assertEquals("bye", bye.getString("type"));
        assertEquals("replaced", bye.getString("code"));
        assertEquals(false, bye.getBoolean("reconnect"), "reconnecting would take the session back");
        assertEquals(List.of("welcome", "ack", "snapshot", "event", "event", "bye"), first.types());
        assertNull(second.closedWith);
        assertEquals(List.of("welcome"), second.types());
    }

    @Test
    void aStalledSessionResumedElsewhereGetsEverythingItMissedInOrderThenLiveEvents() {
        var first = new FakeConnection();
        ClientSession session = registry.open(token("carol"), null, first, null);
        session.receive("{\"type\":\"subscribe\",\"id\":\"1\",\"topic\":\"r1/chat\"}");
        publish(3);
        first.stalled = true;
        publish(25);
        long lastSeen = first.lastPosition();
        assertEquals(List.of(1L, 2L, 3L), first.eventSeqs("r1/chat"));
        assertEquals(1, hub.catchingUpCount(TOPIC));
        publish(10);
        assertNull(first.closedWith, "the history (50 events) still holds everything it missed");
        var second = new FakeConnection();
        registry.open(token("carol"), session.id() + ":" + lastSeen, second, null);
        // 35 missed events are more than a 20-frame outbox holds: they come from the history in pages.
        awaitEvents(second, 38);
        assertEquals(LongStream.rangeClosed(4, 38).boxed().toList(), second.eventSeqs("r1/chat"));
        assertEquals("welcome", second.types().get(0));
        assertTrue(!second.types().contains("reset"), second.types().toString());
        assertEquals(0, hub.catchingUpCount(TOPIC), "caught up: live again");
        publish(1);
        assertEquals(LongStream.rangeClosed(4, 39).boxed().toList(), second.eventSeqs("r1/chat"));
    }

    private static void awaitEvents(FakeConnection connection, long lastSeq) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            List<Long> seqs = connection.eventSeqs("r1/chat");
            if (!seqs.isEmpty() && seqs.get(seqs.size() - 1) >= lastSeq) {
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Test
    void aSessionWithoutConnectionLeavesTheFanOutAndAResumeReplaysWhatItMissed() {
        var dropped = new FakeConnection();
        var live = new FakeConnection();
        ClientSession session = registry.open(token("dave"), null, dropped, null);
        session.receive("{\"type\":\"subscribe\",\"id\":\"1\",\"topic\":\"r1/chat\"}");
        registry.open(token("erin"), null, live, null).receive("{\"type\":\"subscribe\",\"id\":\"1\",\"topic\":\"r1/chat\"}");
        publish(3);
        long lastSeen = dropped.lastPosition();
        session.connectionClosed(dropped);
        // The retained session takes no share of later publishes (no frames queued for a dead connection).
        assertEquals(1, hub.subscriberCount(TOPIC));
        publish(10);
        assertEquals(LongStream.rangeClosed(1, 13).boxed().toList(), live.eventSeqs("r1/chat"));
        var second = new FakeConnection();
        registry.open(token("dave"), session.id() + ":" + lastSeen, second, null);
        assertEquals(2, hub.subscriberCount(TOPIC));
        assertEquals(List.of("welcome"), second.types().subList(0, 1));
        assertEquals(LongStream.rangeClosed(4, 13).boxed().toList(), second.eventSeqs("r1/chat"));
        publish(1);
        assertEquals(LongStream.rangeClosed(4, 14).boxed().toList(), second.eventSeqs("r1/chat"), "live events continue");
    }

    @Test
    void theHubsMemorySweepKeepsTheTopicsOfADroppedSessionThatMayStillResume() {
        try (SessionFixture tight = new SessionFixture(TandemConfig.from(Map.of("history.totalMaxBytes", "1")::get))) {
            var dropped = new FakeConnection();
            ClientSession session = tight.open(dropped, "dave", Role.COLLABORATOR);
            session.receive("{\"type\":\"subscribe\",\"id\":\"1\",\"topic\":\"r1/chat\"}");
            tight.hub.publish(TOPIC, JsonSupport.JSON.createValue(1), "server", null);
            long lastSeen = dropped.lastPosition();
            session.connectionClosed(dropped);
            tight.hub.publish(TOPIC, JsonSupport.JSON.createValue(2), "server", null);
            assertEquals(0, tight.hub.subscriberCount(TOPIC), "the dropped session left the fan-out");
            assertEquals(0, tight.hub.letGoOfIdleTopics(), "but it may resume within the session TTL");
            var second = new FakeConnection();
            tight.registry.open(tight.token("dave", Role.COLLABORATOR), session.id() + ":" + lastSeen, second, null);
            assertEquals(List.of(2L), second.eventSeqs("r1/chat"), "exactly the missed event");
            assertTrue(second.types().stream().noneMatch("reset"::equals), second.types().toString());
        }
    }

    @Test
    void aResumeWithATokenThatNoLongerGrantsTheSubscribedRoomGetsANewSessionAndNoEventsFromThatRoom() {
        var first = new FakeConnection();
        ClientSession session = registry.open(token("bob"), null, first, null);
        session.receive("{\"type\":\"subscribe\",\"id\":\"1\",\"topic\":\"r1/chat\"}");
        publish(3);
        long lastSeen = first.lastPosition();
        session.connectionClosed(first);
        publish(4);
        var second = new FakeConnection();
        String otherRoomOnly = tokens.mint(tokens.mint("bob", "bob", List.of("r2"), Role.COLLABORATOR, Duration.ofMinutes(5)));
        ClientSession next = registry.open(otherRoomOnly, session.id() + ":" + lastSeen, second, null);
        assertNotEquals(session.id(), next.id(), "not resumed: the token no longer grants r1/chat");
        assertEquals(false, second.frames.get(0).getBoolean("resumed"));
        publish(2);
        assertEquals(List.of(), second.eventSeqs("r1/chat"), "nothing from r1 reaches the new connection");
        next.receive("{\"type\":\"subscribe\",\"id\":\"2\",\"topic\":\"r1/chat\"}");
        assertEquals("forbidden", second.frames.stream().filter(f -> "2".equals(f.getString("id", null)))
                .findFirst().orElseThrow().getString("code"));
    }

    @Test
    void anotherIdentityCannotTakeOverASession() {
        var first = new FakeConnection();
        ClientSession session = registry.open(token("alice"), null, first, null);
        var intruder = new FakeConnection();
        ClientSession other = registry.open(token("mallory"), session.id() + ":0", intruder, null);
        assertNotEquals(session.id(), other.id());
        assertEquals(false, intruder.frames.get(0).getBoolean("resumed"));
    }

    @Test
    void anIdentityGetsNoMoreLiveConnectionsThanItsLimit() {
        TandemConfig limited = TandemConfig.from(name -> name.equals("maxConnectionsPerIdentity") ? "2" : null);
        var registry2 = fixture.registry(limited);
        try {
            var first = new FakeConnection();
            ClientSession one = registry2.open(token("erin"), null, first, null);
            registry2.open(token("erin"), null, new FakeConnection(), null);
            var refused = org.junit.jupiter.api.Assertions.assertThrows(dev.tandem.protocol.ProtocolException.class,
                    () -> registry2.open(token("erin"), null, new FakeConnection(), null));
            assertEquals(ErrorCode.LIMIT_EXCEEDED, refused.code());
            registry2.open(token("frank"), null, new FakeConnection(), null);
            one.connectionClosed(first);
            registry2.open(token("erin"), null, new FakeConnection(), null);
        } finally {
            registry2.shutdown();
        }
    }
}

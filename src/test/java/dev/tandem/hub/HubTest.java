package dev.tandem.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.config.TandemConfig;
import dev.tandem.protocol.FrameCodec;
import dev.tandem.protocol.Frames;
import dev.tandem.protocol.JsonSupport;
import dev.tandem.protocol.TopicName;
import jakarta.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class HubTest {
    private static final TopicName CHAT = new TopicName("r1", "chat");
    private final FrameCodec codec = new FrameCodec(65536);

    private Hub hub(int historySize) {
        return new Hub(TandemConfig.defaults().withHistorySize(historySize), codec, Clock.systemUTC());
    }

    private static JsonObject text(String value) {
        return JsonSupport.JSON.createObjectBuilder().add("text", value).build();
    }

    @Test
    void concurrentPublishersGetGapFreeSeqAndEverySubscriberSeesOneTotalOrder() throws Exception {
        Hub hub = hub(10_000);
        var first = new RecordingSubscriber("s1", "alice");
        var second = new RecordingSubscriber("s2", "bob");
        hub.subscribe(CHAT, first, null, "1");
        hub.subscribe(CHAT, second, null, "1");
        int threads = 4;
        int perThread = 500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<List<Long>>> acks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            acks.add(pool.submit(() -> {
                List<Long> seqs = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                    seqs.add(hub.publish(CHAT, text(thread + ":" + i), "p" + thread, null).seq());
                }
                return seqs;
            }));
        }
        List<Long> acked = new ArrayList<>();
        for (Future<List<Long>> f : acks) {
            acked.addAll(f.get());
        }
        pool.shutdown();
        List<Long> expected = LongStream.rangeClosed(1, threads * perThread).boxed().toList();
        assertEquals(expected, acked.stream().sorted().toList(), "acked seqs are unique and gap-free");
        assertEquals(expected, first.eventSeqs());
        assertEquals(expected, second.eventSeqs());
        var firstTexts = first.ofType("event").stream().map(e -> e.getJsonObject("data").getString("text")).toList();
        var secondTexts = second.ofType("event").stream().map(e -> e.getJsonObject("data").getString("text")).toList();
        assertEquals(firstTexts, secondTexts, "both subscribers see the same order");
        for (int t = 0; t < threads; t++) {
            String prefix = t + ":";
            var own = firstTexts.stream().filter(s -> s.startsWith(prefix)).toList();
            assertEquals(LongStream.range(0, perThread).mapToObj(i -> prefix + i).toList(), own,
                    "each publisher's events stay in its order");
        }
    }

    @Test
    void subscribeAcksThenSendsSnapshotOfTheLastEvents() {
        Hub hub = hub(100);
        for (int i = 1; i <= 3; i++) {
            hub.publish(CHAT, text("m" + i), "alice", null);
        }
        var sub = new RecordingSubscriber("s1", "bob");
        hub.subscribe(CHAT, sub, null, "req-1");
        assertEquals(List.of("ack", "snapshot"), sub.types());
        assertEquals("req-1", sub.frames.get(0).getString("id"));
        assertEquals(3, sub.frames.get(0).getInt("seq"));
        JsonObject snapshot = sub.frames.get(1);
        assertEquals("log", snapshot.getString("kind"));
        assertEquals(3, snapshot.getInt("seq"));
        assertEquals(List.of("m1", "m2", "m3"), snapshot.getJsonArray("events").stream()
                .map(e -> e.asJsonObject().getJsonObject("data").getString("text")).toList());
        hub.publish(CHAT, text("m4"), "alice", null);
        assertEquals(List.of(4L), sub.eventSeqs());
    }

    @Test
    void subscribeSinceReplaysTheGapInOrderWithoutSnapshot() {
        Hub hub = hub(100);
        var before = new RecordingSubscriber("s0", "x");
        hub.subscribe(CHAT, before, null, null);
        String epoch = before.frames.get(0).getString("epoch");
        for (int i = 1; i <= 10; i++) {
            hub.publish(CHAT, text("m" + i), "alice", null);
        }
        var sub = new RecordingSubscriber("s1", "bob");
        hub.subscribe(CHAT, sub, new Frames.Position(epoch, 6L), "r");
        assertEquals(List.of("ack", "event", "event", "event", "event"), sub.types());
        assertTrue(sub.frames.get(0).getBoolean("recovered"));
        assertEquals(List.of(7L, 8L, 9L, 10L), sub.eventSeqs());
    }

    @Test
    void subscribeSinceOlderThanHistoryResetsAndSendsAFreshSnapshot() {
        Hub hub = hub(5);
        var before = new RecordingSubscriber("s0", "x");
        hub.subscribe(CHAT, before, null, null);
        String epoch = before.frames.get(0).getString("epoch");
        for (int i = 1; i <= 20; i++) {
            hub.publish(CHAT, text("m" + i), "alice", null);
        }
        var sub = new RecordingSubscriber("s1", "bob");
        hub.subscribe(CHAT, sub, new Frames.Position(epoch, 3L), "r");
        assertEquals(List.of("ack", "reset", "snapshot"), sub.types());
        assertFalse(sub.frames.get(0).getBoolean("recovered"));
        assertEquals("history_gone", sub.frames.get(1).getString("reason"));
        assertEquals(20, sub.frames.get(2).getInt("seq"));
        assertEquals(5, sub.frames.get(2).getJsonArray("events").size());
    }

    @Test
    void subscribeSinceAnotherEpochResets() {
        Hub hub = hub(100);
        hub.publish(CHAT, text("m1"), "alice", null);
        var sub = new RecordingSubscriber("s1", "bob");
        hub.subscribe(CHAT, sub, new Frames.Position("old-epoch", 1L), "r");
        assertEquals(List.of("ack", "reset", "snapshot"), sub.types());
        assertEquals("epoch_changed", sub.frames.get(1).getString("reason"));
    }

    @Test
    void stateChannelSnapshotIsTheMergedValue() {
        Hub hub = hub(100);
        TopicName ui = new TopicName("r1", "ui");
        var json = JsonSupport.JSON;
        hub.publish(ui, json.createObjectBuilder().add("timer", json.createObjectBuilder().add("running", true)
                .add("left", 60)).add("theme", "dark").build(), "alice", null);
        hub.publish(ui, json.createObjectBuilder().add("timer", json.createObjectBuilder().add("left", 42))
                .add("theme", jakarta.json.JsonValue.NULL).build(), "bob", null);
        var sub = new RecordingSubscriber("s1", "carol");
        hub.subscribe(ui, sub, null, null);
        JsonObject snapshot = sub.ofType("snapshot").get(0);
        assertEquals("state", snapshot.getString("kind"));
        assertEquals(json.createObjectBuilder().add("timer", json.createObjectBuilder().add("running", true)
                .add("left", 42)).build(), snapshot.getJsonObject("state"));
    }

    @Test
    void eventsAddressedToOthersArriveRedactedSoSeqStaysGapFree() {
        Hub hub = hub(100);
        var alice = new RecordingSubscriber("s1", "alice");
        var bob = new RecordingSubscriber("s2", "bob");
        hub.subscribe(CHAT, alice, null, null);
        hub.subscribe(CHAT, bob, null, null);
        hub.publish(CHAT, text("for everybody"), "server", null);
        hub.publish(CHAT, text("for bob"), "server", Set.of("bob"));
        hub.publish(CHAT, text("again everybody"), "server", null);
        assertEquals(List.of(1L, 2L, 3L), alice.eventSeqs());
        assertEquals(List.of(1L, 2L, 3L), bob.eventSeqs());
        JsonObject hidden = alice.ofType("event").get(1);
        assertTrue(hidden.getBoolean("redacted"));
        assertFalse(hidden.containsKey("data"));
        assertEquals("for bob", bob.ofType("event").get(1).getJsonObject("data").getString("text"));
        var late = new RecordingSubscriber("s3", "carol");
        hub.subscribe(CHAT, late, null, null);
        assertEquals(2, late.ofType("snapshot").get(0).getJsonArray("events").size(), "snapshot omits others' events");
    }

    @Test
    void historyAndSnapshotsGiveBackEachEventsDataExactlyAsPublished() {
        Hub hub = hub(100);
        var tricky = JsonSupport.JSON.createReader(new java.io.StringReader("""
                {"text":"één \\"quoted\\" back\\\\slash\\nline \\u2028 二 🙂","price":1.50,"big":12345678901234567890123,
                 "tiny":-2.5E-7,"flags":[true,false,null],"nested":{"empty":{},"list":[[],[1,[2]]]}}""")).readObject();
        List<jakarta.json.JsonValue> published = List.of(tricky, JsonSupport.JSON.createValue("just a string"),
                JsonSupport.JSON.createArrayBuilder().add(1).add("two").build(), JsonSupport.JSON.createValue(42));
        for (var data : published) {
            hub.publish(CHAT, data, "alice", null);
        }
        hub.publish(CHAT, text("for bob"), "server", Set.of("bob"));

        var events = hub.history(CHAT, 0, 100).events();
        assertEquals(5, events.size());
        for (int i = 0; i < published.size(); i++) {
            assertEquals(published.get(i), events.get(i).data(), "history data of event " + (i + 1));
            assertEquals("alice", events.get(i).toJson().getString("from"));
        }
        assertEquals("1.50", events.get(0).data().asJsonObject().getJsonNumber("price").toString(), "scale kept");
        JsonObject addressed = events.get(4).toJson();
        assertEquals(text("for bob"), addressed.getJsonObject("data"), "the trusted history reader sees addressed data");
        assertEquals(List.of("bob"), addressed.getJsonArray("to").getValuesAs(jakarta.json.JsonString::getString));

        var bob = new RecordingSubscriber("s1", "bob");
        hub.subscribe(CHAT, bob, null, null);
        var snapshotEvents = bob.ofType("snapshot").get(0).getJsonArray("events");
        assertEquals(5, snapshotEvents.size());
        for (int i = 0; i < published.size(); i++) {
            assertEquals(published.get(i), snapshotEvents.getJsonObject(i).get("data"), "snapshot data of event " + (i + 1));
            assertEquals(i + 1, snapshotEvents.getJsonObject(i).getInt("seq"));
        }
        assertEquals(text("for bob"), snapshotEvents.getJsonObject(4).getJsonObject("data"));
    }

    @Test
    void unsubscribedSessionsReceiveNothingMore() {
        Hub hub = hub(100);
        var sub = new RecordingSubscriber("s1", "bob");
        hub.subscribe(CHAT, sub, null, null);
        hub.publish(CHAT, text("a"), "x", null);
        hub.unsubscribe(CHAT, "s1");
        hub.publish(CHAT, text("b"), "x", null);
        assertEquals(List.of(1L), sub.eventSeqs());
        assertEquals(0, hub.subscriberCount(CHAT));
    }

    @Test
    void historyPagesAreCompleteOnlyWhenTheyReachBackFarEnough() {
        Hub hub = hub(5);
        for (int i = 1; i <= 8; i++) {
            hub.publish(CHAT, text("m" + i), "alice", null);
        }
        HistoryPage recent = hub.history(CHAT, 5, 100);
        assertEquals(List.of(6L, 7L, 8L), recent.events().stream().map(StoredEvent::seq).toList());
        assertTrue(recent.complete());
        HistoryPage old = hub.history(CHAT, 0, 2);
        assertEquals(List.of(4L, 5L), old.events().stream().map(StoredEvent::seq).toList());
        assertFalse(old.complete());
    }

    @Test
    void aLogSnapshotKeepsOnlyTheNewestEventsThatFitTheSubscribersBudget() {
        Hub hub = hub(100);
        for (int i = 1; i <= 20; i++) {
            hub.publish(CHAT, text("m" + i + "-" + "x".repeat(200)), "alice", null);
        }
        var small = new RecordingSubscriber("s1", "bob") {
            @Override
            public ReplayBudget replayBudget() {
                return new ReplayBudget(1000, 1000);
            }
        };
        hub.subscribe(CHAT, small, null, null);
        var events = small.ofType("snapshot").get(0).getJsonArray("events");
        assertTrue(events.size() >= 1 && events.size() < 20, "trimmed to the budget: " + events.size());
        assertEquals(20, events.getJsonObject(events.size() - 1).getInt("seq"), "the newest event is kept");
        for (int i = 1; i < events.size(); i++) {
            assertEquals(events.getJsonObject(i - 1).getInt("seq") + 1, events.getJsonObject(i).getInt("seq"));
        }
    }
}

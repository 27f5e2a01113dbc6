package dev.tandem.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.config.TandemConfig;
import dev.tandem.protocol.FrameCodec;
import dev.tandem.protocol.Frames;
import dev.tandem.protocol.JsonSupport;
import dev.tandem.protocol.TopicName;
import jakarta.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The hub's memory bound: idle topics go, least recently used first, once the topics outweigh the budget. */
class IdleTopicsTest {
    private static final int TOPICS = 20;
    private static final int EVENTS_PER_TOPIC = 10;
    private final FrameCodec codec = new FrameCodec(65536);
    private final ManualClock clock = new ManualClock();

    private Hub hub(long totalMaxBytes) {
        Map<String, String> settings = Map.of("history.size", String.valueOf(EVENTS_PER_TOPIC),
                "history.totalMaxBytes", String.valueOf(totalMaxBytes));
        return new Hub(TandemConfig.from(settings::get), codec, clock);
    }

    private static TopicName room(int index) {
        return new TopicName(String.format("room-%02d", index), "chat");
    }

    private static JsonObject text(String value) {
        return JsonSupport.JSON.createObjectBuilder().add("text", value).build();
    }

    /** Topic i is published to at second i, so a lower index is less recently used. */
    private void fill(Hub hub) {
        for (int t = 0; t < TOPICS; t++) {
            clock.now = 1_000_000L + t * 1000L;
            for (int i = 1; i <= EVENTS_PER_TOPIC; i++) {
                hub.publish(room(t), text(String.format("m%02d", i)), "alice", null);
            }
        }
    }

    @Test
    void underTheBudgetNothingGoes() {
        Hub hub = hub(128L * 1024 * 1024);
        fill(hub);
        assertEquals(0, hub.letGoOfIdleTopics());
        assertEquals(TOPICS, hub.topicCount());
        assertEquals(EVENTS_PER_TOPIC, hub.history(room(0), 0, 100).events().size());
    }

    @Test
    void overTheBudgetTheLeastRecentlyUsedIdleTopicsGoUntilUnderNinetyPercent() {
        Hub hub = hub(Long.MAX_VALUE);
        fill(hub);
        long weight = hub.weight();
        assertEquals(0, weight % TOPICS, "every topic weighs the same here");
        long perTopic = weight / TOPICS;
        assertTrue(perTopic > Hub.TOPIC_OVERHEAD_BYTES + EVENTS_PER_TOPIC * 96, "history counted: " + perTopic);

        long limit = perTopic * TOPICS / 2;
        Hub bounded = hub(limit);
        fill(bounded);
        // Topics 0 and 1 are the least recently used, but subscribed: they must stay.
        var first = new RecordingSubscriber("s0", "bob");
        var second = new RecordingSubscriber("s1", "bob");
        clock.now = 0; // a subscribe does not make them recently used in this test's order
        bounded.subscribe(room(0), first, null, "r");
        bounded.subscribe(room(1), second, null, "r");

        clock.now = 1_000_000L + TOPICS * 1000L + 61_000; // all past the session TTL (60 s): none can be resumed
        long target = (long) (limit * 0.9);
        long expectedDropped = (bounded.weight() - target + perTopic - 1) / perTopic;
        assertEquals(expectedDropped, bounded.letGoOfIdleTopics());
        assertTrue(bounded.weight() <= target, bounded.weight() + " > " + target);
        assertEquals(TOPICS - expectedDropped, bounded.topicCount());

        // The oldest idle ones went (2, 3, ...), the newest stayed with their whole history.
        for (int t = 2; t < TOPICS; t++) {
            boolean dropped = t < 2 + expectedDropped;
            HistoryPage page = bounded.history(room(t), 0, 100);
            assertEquals(dropped ? 0 : EVENTS_PER_TOPIC, page.events().size(), "topic " + t);
        }
        assertEquals(1, bounded.subscriberCount(room(0)));
        assertEquals(EVENTS_PER_TOPIC + 1, bounded.publish(room(0), text("after"), "alice", null).seq());
        assertEquals(List.of(11L), first.eventSeqs());
        assertEquals(List.of(), second.eventSeqs());
    }

    @Test
    void aTopicThatWentComesBackWithANewEpochAndResumingItResets() {
        Hub hub = hub(1);
        var reader = new RecordingSubscriber("s0", "bob");
        hub.subscribe(room(0), reader, null, "r");
        for (int i = 1; i <= 3; i++) {
            hub.publish(room(0), text("m" + i), "alice", null);
        }
        Frames.Position before = new Frames.Position(reader.frames.get(0).getString("epoch"), 3L);
        clock.now += 3_600_000;
        assertEquals(0, hub.letGoOfIdleTopics(), "a subscribed topic stays, whatever the budget");
        hub.unsubscribe(room(0), "s0");
        clock.now += 60_000;
        assertEquals(0, hub.letGoOfIdleTopics(), "a session that left may resume within the session TTL (60 s)");
        clock.now += 1;
        assertEquals(1, hub.letGoOfIdleTopics());
        assertEquals(0, hub.topicCount());
        assertEquals(0, hub.weight(), "its history's bytes were given back");

        var resumed = new RecordingSubscriber("s1", "bob");
        hub.subscribe(room(0), resumed, before, "r2");
        assertEquals(List.of("ack", "reset", "snapshot"), resumed.types());
        assertFalse(resumed.frames.get(0).getBoolean("recovered"));
        assertEquals("epoch_changed", resumed.frames.get(1).getString("reason"));
        assertNotEquals(before.epoch(), resumed.frames.get(1).getString("epoch"));
        assertEquals(0, resumed.frames.get(2).getJsonArray("events").size());
        assertEquals(1, hub.publish(room(0), text("again"), "alice", null).seq());
        assertEquals(List.of(1L), resumed.eventSeqs());
    }

    @Test
    void topicsGoingWhilePublishersRunLoseNothingASubscriberIsOwedAndKeepSeqsGapFree() throws Exception {
        Hub hub = new Hub(TandemConfig.from(Map.of("history.size", "5", "history.totalMaxBytes", "1",
                "session.ttlSeconds", "0")::get), codec, Clock.systemUTC());
        TopicName kept = new TopicName("kept", "chat");
        var subscriber = new RecordingSubscriber("s0", "bob");
        hub.subscribe(kept, subscriber, null, "r");
        String keptEpoch = subscriber.frames.get(0).getString("epoch");

        int threads = 4;
        int perThread = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        AtomicBoolean publishing = new AtomicBoolean(true);
        AtomicInteger sweeps = new AtomicInteger();
        AtomicInteger dropped = new AtomicInteger();
        Future<?> sweeper = pool.submit(() -> {
            while (publishing.get()) {
                dropped.addAndGet(hub.letGoOfIdleTopics());
                sweeps.incrementAndGet();
            }
        });
        List<Future<Map<String, List<Long>>>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            results.add(pool.submit(() -> {
                Map<String, List<Long>> seqsByEpoch = new HashMap<>();
                for (int i = 0; i < perThread; i++) {
                    int index = ThreadLocalRandom.current().nextInt(11);
                    TopicName name = index == 10 ? kept : room(index);
                    Frames.Position position = hub.publish(name, text("x"), "alice", null);
                    seqsByEpoch.computeIfAbsent(name + "@" + position.epoch(), k -> new ArrayList<>()).add(position.seq());
                }
                return seqsByEpoch;
            }));
        }
        Map<String, List<Long>> all = new HashMap<>();
        for (Future<Map<String, List<Long>>> result : results) {
            result.get(60, TimeUnit.SECONDS).forEach((key, seqs) -> all.computeIfAbsent(key, k -> new ArrayList<>()).addAll(seqs));
        }
        publishing.set(false);
        sweeper.get(10, TimeUnit.SECONDS);
        pool.shutdown();

        assertTrue(dropped.get() > 0, "topics went while publishers ran (" + sweeps.get() + " sweeps)");
        long published = 0;
        for (Map.Entry<String, List<Long>> entry : all.entrySet()) {
            List<Long> sorted = entry.getValue().stream().sorted().toList();
            assertEquals(LongStream.rangeClosed(1, sorted.size()).boxed().toList(), sorted, entry.getKey());
            published += sorted.size();
        }
        assertEquals((long) threads * perThread, published);
        List<Long> keptSeqs = all.get(kept + "@" + keptEpoch);
        assertEquals(1, all.keySet().stream().filter(k -> k.startsWith(kept + "@")).count(), "the kept topic never went");
        assertEquals(LongStream.rangeClosed(1, keptSeqs.size()).boxed().toList(), subscriber.eventSeqs());

        hub.unsubscribe(kept, "s0");
        Thread.sleep(2); // a topic used in this very millisecond is not idle yet
        hub.letGoOfIdleTopics();
        assertEquals(0, hub.topicCount());
        assertEquals(0, hub.weight(), "every history's bytes were given back to the budget");
    }

    private static final class ManualClock extends Clock {
        volatile long now = 1_000_000L;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now);
        }

        @Override
        public long millis() {
            return now;
        }
    }
}

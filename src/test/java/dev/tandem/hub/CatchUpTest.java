package dev.tandem.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.config.TandemConfig;
import dev.tandem.protocol.FrameCodec;
import dev.tandem.protocol.Frames;
import dev.tandem.protocol.JsonSupport;
import dev.tandem.protocol.TopicName;
import java.time.Clock;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Subscribers without room for an event stop being pushed to and catch up from the topic's history. */
class CatchUpTest {
    private static final TopicName CHAT = new TopicName("r1", "chat");
    private final FrameCodec codec = new FrameCodec(65536);

    /** Takes events while it has room; the test gives room back, as a draining outbox would. */
    private static final class RoomySubscriber extends RecordingSubscriber {
        int room;
        int refusals;
        int fellBehind;

        RoomySubscriber(String key, int room) {
            super(key, key);
            this.room = room;
        }

        synchronized void giveRoom(int more) {
            room += more;
        }

        @Override
        public synchronized boolean offerEvent(Outgoing event) {
            if (room == 0) {
                refusals++;
                return false;
            }
            room--;
            deliver(event);
            return true;
        }

        @Override
        public void fellBehind() {
            fellBehind++;
        }
    }

    private Hub hub(int historySize) {
        return new Hub(TandemConfig.defaults().withHistorySize(historySize), codec, Clock.systemUTC());
    }

    private static void publish(Hub hub, int from, int to) {
        for (int i = from; i <= to; i++) {
            hub.publish(CHAT, JsonSupport.JSON.createValue(i), "agent", null);
        }
    }

    private static List<Long> seqs(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    @Test
    void aSubscriberWithoutRoomIsNotPushedToThenCatchesUpInOrderAndGoesLiveAgain() {
        Hub hub = hub(1000);
        var slow = new RoomySubscriber("slow", 5);
        var fast = new RoomySubscriber("fast", Integer.MAX_VALUE);
        hub.subscribe(CHAT, slow, null, null);
        hub.subscribe(CHAT, fast, null, null);
        publish(hub, 1, 30);
        assertEquals(seqs(1, 30), fast.eventSeqs(), "the others get everything at once");
        assertEquals(seqs(1, 5), slow.eventSeqs());
        assertEquals(1, slow.refusals, "refused once, then no longer pushed to");
        assertEquals(1, hub.catchingUpCount(CHAT));

        slow.room = 10;
        hub.catchUp(CHAT, slow);
        assertEquals(seqs(1, 15), slow.eventSeqs(), "the next events from the history, as many as there is room for");
        assertEquals(1, hub.catchingUpCount(CHAT));

        slow.room = Integer.MAX_VALUE;
        hub.catchUp(CHAT, slow);
        assertEquals(seqs(1, 30), slow.eventSeqs());
        assertEquals(0, hub.catchingUpCount(CHAT), "back at the head: live again");
        publish(hub, 31, 32);
        assertEquals(seqs(1, 32), slow.eventSeqs(), "live events follow without a gap or a repeat");
        assertEquals(seqs(1, 32), fast.eventSeqs());
        assertEquals(0, slow.fellBehind);
    }

    @Test
    void underConcurrentPublishersAndCatchUpsASlowSubscriberGetsEveryEventOnceInOrder() throws Exception {
        Hub hub = hub(100_000);
        var slow = new RoomySubscriber("slow", 3);
        hub.subscribe(CHAT, slow, null, null);
        int publishers = 4;
        int each = 2000;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(publishers + 1);
        try {
            var done = new java.util.concurrent.atomic.AtomicBoolean();
            var reader = pool.submit(() -> {
                var random = new java.util.Random(7);
                while (!done.get()) {
                    slow.giveRoom(random.nextInt(20));
                    hub.catchUp(CHAT, slow);
                }
            });
            List<java.util.concurrent.Future<?>> writers = new java.util.ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                writers.add(pool.submit(() -> publish(hub, 1, each)));
            }
            for (var writer : writers) {
                writer.get();
            }
            done.set(true);
            reader.get();
        } finally {
            pool.shutdown();
        }
        slow.giveRoom(Integer.MAX_VALUE / 2);
        hub.catchUp(CHAT, slow);
        assertEquals(seqs(1, publishers * each), slow.eventSeqs());
        assertEquals(0, hub.catchingUpCount(CHAT));
    }

    @Test
    void aSubscriberThatFallsBehindTheHistoryIsDroppedFromTheTopicAndToldOnce() {
        Hub hub = hub(10);
        var stuck = new RoomySubscriber("stuck", 3);
        var fast = new RoomySubscriber("fast", Integer.MAX_VALUE);
        hub.subscribe(CHAT, stuck, null, null);
        hub.subscribe(CHAT, fast, null, null);
        publish(hub, 1, 13);
        assertEquals(0, stuck.fellBehind, "event 4 is still held (history 4..13)");
        assertEquals(2, hub.subscriberCount(CHAT));
        publish(hub, 14, 14);
        assertEquals(1, stuck.fellBehind, "event 4 is gone: it can no longer catch up");
        assertEquals(1, hub.subscriberCount(CHAT));
        assertEquals(0, hub.catchingUpCount(CHAT));
        publish(hub, 15, 40);
        assertEquals(1, stuck.fellBehind);
        assertEquals(seqs(1, 3), stuck.eventSeqs());
        assertEquals(seqs(1, 40), fast.eventSeqs());
    }

    @Test
    void aCatchUpThatFindsTheHistoryGoneDropsTheSubscriber() {
        Hub hub = hub(5);
        var slow = new RoomySubscriber("slow", 2);
        hub.subscribe(CHAT, slow, null, null);
        publish(hub, 1, 7);
        assertEquals(0, slow.fellBehind, "history 3..7 still holds event 3");
        publish(hub, 8, 8);
        assertEquals(1, slow.fellBehind);
        slow.room = Integer.MAX_VALUE;
        hub.catchUp(CHAT, slow);
        assertEquals(seqs(1, 2), slow.eventSeqs(), "a dropped subscriber gets nothing more");
    }

    @Test
    void subscribingFromFarBackReplaysTheWholeGapInPagesInsteadOfResetting() {
        Hub hub = hub(1000);
        var first = new RecordingSubscriber("first", "x");
        hub.subscribe(CHAT, first, null, null);
        String epoch = first.frames.get(0).getString("epoch");
        publish(hub, 1, 50);
        var late = new RoomySubscriber("late", 8);
        hub.subscribe(CHAT, late, new Frames.Position(epoch, 10L), "a");
        assertEquals("ack", late.types().get(0));
        assertTrue(late.frames.get(0).getBoolean("recovered"));
        assertEquals(seqs(11, 18), late.eventSeqs(), "a page as large as its room");
        publish(hub, 51, 52);
        assertEquals(seqs(11, 18), late.eventSeqs(), "not pushed to while catching up");
        late.room = 20;
        hub.catchUp(CHAT, late);
        late.room = Integer.MAX_VALUE;
        hub.catchUp(CHAT, late);
        publish(hub, 53, 53);
        assertEquals(seqs(11, 53), late.eventSeqs());
        assertEquals(List.of(), late.ofType("reset"));
    }

    @Test
    void subscribingFromBeforeTheHistoryStillResetsWithASnapshot() {
        Hub hub = hub(10);
        var first = new RecordingSubscriber("first", "x");
        hub.subscribe(CHAT, first, null, null);
        String epoch = first.frames.get(0).getString("epoch");
        publish(hub, 1, 30);
        var late = new RoomySubscriber("late", Integer.MAX_VALUE);
        hub.subscribe(CHAT, late, new Frames.Position(epoch, 5L), "a");
        assertEquals(List.of("ack", "reset", "snapshot"), late.types());
        assertEquals("history_gone", late.frames.get(1).getString("reason"));
        assertEquals(30, late.frames.get(2).getInt("seq"));
    }
}

package dev.tandem.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OutboxTest {

    /** A sink whose writes complete only when the test says so (a client that reads when told to). */
    static final class ManualSink implements Outbox.Sink {
        final List<String> written = new ArrayList<>();
        final List<Long> positions = new ArrayList<>();
        CompletableFuture<Void> inFlight;
        boolean autoComplete;

        @Override
        public synchronized CompletionStage<?> write(String text, long position) {
            written.add(text);
            positions.add(position);
            if (autoComplete) {
                return CompletableFuture.completedFuture(null);
            }
            inFlight = new CompletableFuture<>();
            return inFlight;
        }

        void completeOne() {
            CompletableFuture<Void> current;
            synchronized (this) {
                current = inFlight;
                inFlight = null;
            }
            current.complete(null);
        }
    }

    static final class CountingListener implements Outbox.Listener {
        final AtomicInteger overflows = new AtomicInteger();
        final AtomicInteger roomNotices = new AtomicInteger();
        final List<Throwable> sinkFailures = new ArrayList<>();

        @Override
        public void onRoomForEvents() {
            roomNotices.incrementAndGet();
        }

        @Override
        public void onOverflow() {
            overflows.incrementAndGet();
        }

        @Override
        public void onSinkFailed(Outbox.Sink sink, Throwable error) {
            sinkFailures.add(error);
        }
    }

    private static Outbox outbox(int maxFrames, long maxBytes, CountingListener listener) {
        return new Outbox(maxFrames, maxBytes, 100, WriterPool.direct(), listener);
    }

    @Test
    void aDetachedSinkIsHandedBackOnlyWhenItsWriteInFlightIsDoneEvenAfterANewSinkStartedWriting() {
        var old = new ManualSink();
        var outbox = outbox(10, 10_000, new CountingListener());
        outbox.attach(old, "hello", 0);
        outbox.offer("{\"n\":1}", 7);
        var handedBack = new AtomicInteger();
        outbox.detach(old, handedBack::incrementAndGet);
        assertEquals(0, handedBack.get(), "the greeting is still being written to the old sink");
        var next = new ManualSink();
        next.autoComplete = true;
        outbox.attach(next, "welcome", 0);
        assertEquals(List.of("welcome", "{\"n\":1}"), next.written, "the new sink does not wait for the old one");
        assertEquals(0, handedBack.get(), "the new sink's writes do not end the old one's");
        old.completeOne();
        assertEquals(1, handedBack.get());
        assertEquals(List.of("hello"), old.written, "nothing more was written to the old sink");

        var idle = new ManualSink();
        idle.autoComplete = true;
        outbox.attach(idle, "again", 1);
        outbox.detach(idle, handedBack::incrementAndGet);
        assertEquals(2, handedBack.get(), "a sink with no write in flight is handed back at once");
    }

    /** Found in review: a second resume while the first replaced sink still writes must not drop its waiter. */
    @Test
    void twoSinksDetachedInARowWithWritesInFlightAreEachHandedBackWhenTheirOwnWriteIsDone() {
        var a = new ManualSink();
        var outbox = outbox(10, 10_000, new CountingListener());
        outbox.attach(a, "hello-a", 0);
        var handedBack = new ArrayList<String>();
        outbox.detach(a, () -> handedBack.add("a"));
        var b = new ManualSink();
        outbox.attach(b, "hello-b", 0);
        outbox.detach(b, () -> handedBack.add("b"));
        var c = new ManualSink();
        c.autoComplete = true;
        outbox.attach(c, "hello-c", 0);
        assertEquals(List.of(), handedBack);
        a.completeOne();
        assertEquals(List.of("a"), handedBack);
        b.completeOne();
        assertEquals(List.of("a", "b"), handedBack);
        assertEquals(List.of("hello-c"), c.written);
    }

    @Test
    void writesOneAtATimeAndBatchesTheFramesThatWaitedMeanwhile() {
        var sink = new ManualSink();
        var outbox = outbox(10, 10_000, new CountingListener());
        outbox.attach(sink, "hello", 0);
        outbox.offer("{\"n\":1}", 7);
        outbox.offer("{\"n\":2}", 7);
        assertEquals(List.of("hello"), sink.written, "one write in flight at a time");
        sink.completeOne();
        assertEquals(List.of("hello", "[{\"n\":1},{\"n\":2}]"), sink.written, "waiting frames go as one array");
        assertEquals(List.of(0L, 2L), sink.positions, "a batch carries the position of its last frame");
        outbox.offer("{\"n\":3}", 7);
        sink.completeOne();
        assertEquals("{\"n\":3}", sink.written.get(2), "a frame alone is written as itself");
        assertEquals(3L, sink.positions.get(2));
        sink.completeOne();
        assertEquals(0, outbox.pendingFrames());
    }

    @Test
    void batchesAreCappedInFrames() {
        var sink = new ManualSink();
        var outbox = outbox(1000, 1_000_000, new CountingListener());
        outbox.attach(sink, "hello", 0);
        for (int i = 0; i < ReliableBatch.MAX_FRAMES + 5; i++) {
            outbox.offer("1", 1);
        }
        sink.completeOne();
        assertEquals(ReliableBatch.MAX_FRAMES, sink.written.get(1).split(",").length);
        sink.completeOne();
        assertEquals(5, sink.written.get(2).split(",").length);
    }

    @Test
    void overflowsPastTheFrameBoundAndDropsLaterFrames() {
        var listener = new CountingListener();
        var sink = new ManualSink();
        var outbox = outbox(3, 10_000, listener);
        outbox.attach(sink, "hello", 0);
        for (int i = 0; i < 3; i++) {
            assertTrue(outbox.offer("f" + i, 2) > 0);
        }
        assertEquals(0, listener.overflows.get());
        outbox.offer("f3", 2);
        assertEquals(1, listener.overflows.get());
        assertEquals(0, outbox.offer("f4", 2), "frames after an overflow are refused");
        assertEquals(1, listener.overflows.get(), "overflow is reported once");
        assertTrue(outbox.isOverflowed());
    }

    @Test
    void topicEventsAreRefusedAtThreeQuartersSoTheyNeverOverflowAndTheListenerHearsWhenThereIsRoomAgain() {
        var listener = new CountingListener();
        var sink = new ManualSink();
        var outbox = outbox(8, 10_000, listener);
        outbox.attach(sink, "hello", 0);
        for (int seq = 1; seq <= 6; seq++) {
            assertEquals(seq, outbox.offerEvent(Outgoing.event("e" + seq, "r/c", "ep", seq)));
        }
        assertEquals(-1, outbox.offerEvent(Outgoing.event("e7", "r/c", "ep", 7)), "six of eight frames wait: no room");
        assertEquals(-1, outbox.offerEvent(Outgoing.event("e7", "r/c", "ep", 7)));
        assertEquals(7, outbox.offer("reply-a", 7), "other frames still go in up to the bound");
        assertEquals(8, outbox.offer("reply-b", 7));
        assertFalse(outbox.isOverflowed());
        assertEquals(0, listener.overflows.get());
        assertEquals(0, listener.roomNotices.get());
        sink.completeOne(); // hello; the eight waiting frames go out as one batch
        assertEquals(0, listener.roomNotices.get(), "still eight waiting until that write is done");
        sink.completeOne();
        assertEquals(1, listener.roomNotices.get(), "told once, when the waiting frames are down to a quarter");
        assertEquals(List.of("hello", "[e1,e2,e3,e4,e5,e6,reply-a,reply-b]"), sink.written);
        assertEquals(9, outbox.offerEvent(Outgoing.event("e7", "r/c", "ep", 7)));
        sink.completeOne();
        assertEquals(1, listener.roomNotices.get(), "no event was refused since: no notice");
    }

    @Test
    void anEventLargerThanTheRoomStillGoesWhenNothingWaits() {
        var outbox = outbox(8, 100, new CountingListener());
        outbox.attach(new ManualSink(), "hello", 0);
        assertEquals(1, outbox.offerEvent(Outgoing.event("x".repeat(500), "r/c", "ep", 1)));
        assertEquals(-1, outbox.offerEvent(Outgoing.event("y".repeat(30), "r/c", "ep", 2)),
                "500 bytes wait (weighing half the bound, 50), the room for events is 75");
    }

    @Test
    void overflowsPastTheByteBound() {
        var listener = new CountingListener();
        var outbox = outbox(1000, 100, listener);
        outbox.attach(new ManualSink(), "hello", 0);
        outbox.offer("x".repeat(40), 40);
        outbox.offer("x".repeat(40), 40);
        assertEquals(0, listener.overflows.get());
        outbox.offer("x".repeat(40), 40);
        assertEquals(1, listener.overflows.get());
    }

    @Test
    void lossyFramesCoalesceToTheLatestPerKey() {
        var sink = new ManualSink();
        var outbox = outbox(10, 10_000, new CountingListener());
        outbox.attach(sink, "hello", 0);
        for (int i = 0; i < 100; i++) {
            outbox.offerLossy("cursor:alice", "alice@" + i);
            outbox.offerLossy("cursor:bob", "bob@" + i);
        }
        sink.completeOne();
        sink.completeOne();
        sink.completeOne();
        assertEquals(List.of("hello", "alice@99", "bob@99"), sink.written);
        assertEquals(List.of(0L, -1L, -1L), sink.positions);
    }

    @Test
    void lossyFramesNeverGoAheadOfWaitingReliableFrames() {
        var sink = new ManualSink();
        var outbox = outbox(10, 10_000, new CountingListener());
        outbox.attach(sink, "hello", 0);
        outbox.offerLossy("cursor", "c1");
        outbox.offer("r1", 2);
        outbox.offer("r2", 2);
        outbox.offerLossy("cursor", "c2");
        for (int i = 0; i < 3; i++) {
            sink.completeOne();
        }
        assertEquals(List.of("hello", "[r1,r2]", "c2"), sink.written);
    }

    @Test
    void lossyFramesDoNotCountTowardsOverflow() {
        var listener = new CountingListener();
        var outbox = outbox(2, 10_000, listener);
        outbox.attach(new ManualSink(), "hello", 0);
        for (int i = 0; i < 1000; i++) {
            outbox.offerLossy("k" + (i % 50), "v" + i);
        }
        assertEquals(0, listener.overflows.get());
    }

    @Test
    void resumesAfterTheLastPositionTheClientSaw() {
        var first = new ManualSink();
        first.autoComplete = true;
        var outbox = outbox(100, 10_000, new CountingListener());
        outbox.attach(first, "hello", 0);
        for (int i = 1; i <= 5; i++) {
            outbox.offer("f" + i, 2);
        }
        assertEquals(List.of("hello", "f1", "f2", "f3", "f4", "f5"), first.written);
        outbox.detach(first);
        outbox.offer("f6", 2);
        assertTrue(outbox.rewindTo(3), "frames after 3 are still kept");
        var second = new ManualSink();
        second.autoComplete = true;
        outbox.attach(second, "welcome-back", 3);
        assertEquals(List.of("welcome-back", "[f4,f5,f6]"), second.written);
        assertEquals(List.of(3L, 6L), second.positions);
    }

    @Test
    void resumingAfterFramesWhoseWriteNeverCompletedDoesNotSendThemAgain() {
        var first = new ManualSink();
        var outbox = outbox(100, 10_000, new CountingListener());
        outbox.attach(first, "hello", 0);
        for (int i = 1; i <= 4; i++) {
            outbox.offer("f" + i, 2);
        }
        // The connection ends with f1..f4 still queued, but the client got f1 and f2 (its last event id says 2).
        outbox.detach(first);
        assertTrue(outbox.rewindTo(2));
        var second = new ManualSink();
        second.autoComplete = true;
        outbox.attach(second, "welcome-back", 2);
        assertEquals(List.of("welcome-back", "[f3,f4]"), second.written);
        assertEquals(List.of(2L, 4L), second.positions);
    }

    @Test
    void cannotResumeFromAPositionNoLongerKept() {
        var sink = new ManualSink();
        sink.autoComplete = true;
        var outbox = new Outbox(100, 10_000, 2, WriterPool.direct(), new CountingListener());
        outbox.attach(sink, "hello", 0);
        for (int i = 1; i <= 6; i++) {
            outbox.offer("f" + i, 2);
        }
        assertFalse(outbox.rewindTo(1));
        assertFalse(outbox.rewindTo(99), "a position from the future is refused");
        assertTrue(outbox.rewindTo(4));
    }

    /** Written frames are kept within the byte bound too: a large document snapshot is not held for replay. */
    @Test
    void keptFramesAreBoundedByBytesAsWellAsByCount() {
        var sink = new ManualSink();
        sink.autoComplete = true;
        var outbox = new Outbox(100, 1_000, 100, WriterPool.direct(), new CountingListener());
        outbox.attach(sink, "hello", 0);
        outbox.offer("f1", 2);
        outbox.offer("s".repeat(5_000), 5_000); // a snapshot five times the byte bound
        outbox.offer("f3", 2);
        outbox.offer("f4", 2);
        assertFalse(outbox.rewindTo(1), "the snapshot no longer kept: resuming from before it starts over");
        assertTrue(outbox.rewindTo(3));
    }

    @Test
    void finishWritesTheFarewellAfterTheWriteInFlightThenDetaches() {
        var sink = new ManualSink();
        var outbox = outbox(100, 10_000, new CountingListener());
        outbox.attach(sink, "hello", 0);
        AtomicInteger closed = new AtomicInteger();
        outbox.finish(sink, "bye", closed::incrementAndGet);
        assertEquals(List.of("hello"), sink.written);
        sink.completeOne();
        assertEquals(List.of("hello", "bye"), sink.written);
        sink.completeOne();
        assertEquals(1, closed.get());
        outbox.offer("f2", 2);
        assertEquals(List.of("hello", "bye"), sink.written, "nothing is written after the farewell");
    }

    @Test
    void anOverflowingOfferStillStartsWritingSoTheFarewellCanGoOut() {
        var listener = new CountingListener();
        var sink = new ManualSink();
        sink.autoComplete = true;
        var outbox = new Outbox(0, 10_000, 100, WriterPool.direct(), listener);
        outbox.attach(sink, "hello", 0);
        outbox.offer("a", 1);
        assertEquals(1, listener.overflows.get());
        assertEquals(List.of("hello", "a"), sink.written, "the writer was started by the overflowing offer");
    }

    /**
     * A frame larger than the byte bound (a document snapshot) weighs half the bound: it goes out, and so does
     * the ack that follows it at once (counted in full, the pair overflowed on every subscribe to a large
     * document, and the client reconnected and subscribed again forever). A second one still fits; a third
     * overflows.
     */
    @Test
    void oneFrameLargerThanTheByteBoundGoesOutWithTheFramesThatFollowIt() {
        var listener = new CountingListener();
        var outbox = outbox(10, 100, listener);
        var sink = new ManualSink();
        outbox.attach(sink, "hello", 0);
        outbox.offer("x".repeat(500), 500);
        outbox.offer("y", 1);
        assertEquals(0, listener.overflows.get(), "snapshot + ack");
        outbox.offer("z".repeat(49), 49);
        assertEquals(0, listener.overflows.get(), "50 + 1 + 49 = the bound");
        outbox.offer("w", 1);
        assertEquals(1, listener.overflows.get());

        var second = new CountingListener();
        var two = outbox(10, 100, second);
        two.attach(new ManualSink(), "hello", 0);
        two.offer("a".repeat(500), 500);
        two.offer("b".repeat(900), 900);
        assertEquals(0, second.overflows.get(), "two large frames weigh the bound");
        two.offer("c".repeat(300), 300);
        assertEquals(1, second.overflows.get(), "a third overflows");
    }

    /** A sink whose write throws, as a container's send may (an Error as well as a RuntimeException). */
    static final class ThrowingSink implements Outbox.Sink {
        final List<String> attempted = new ArrayList<>();
        final Throwable failure;

        ThrowingSink(Throwable failure) {
            this.failure = failure;
        }

        @Override
        public CompletionStage<?> write(String text, long position) {
            attempted.add(text);
            if (failure instanceof Error error) {
                throw error;
            }
            throw (RuntimeException) failure;
        }
    }

    @Test
    void aWriteThatThrowsAnErrorFailsTheSinkAndLeavesTheOutboxFreeForTheNextConnection() {
        var listener = new CountingListener();
        var failed = listener.sinkFailures;
        var outbox = outbox(10, 10_000, listener);
        var broken = new ThrowingSink(new StackOverflowError("in the container"));
        var thrown = org.junit.jupiter.api.Assertions.assertThrows(StackOverflowError.class,
                () -> outbox.attach(broken, "hello", 0));
        assertEquals("in the container", thrown.getMessage(), "the Error is not swallowed");
        assertEquals(1, failed.size(), "the listener learns that the sink failed");
        assertEquals(List.of("hello"), broken.attempted);
        outbox.offer("{\"n\":1}", 7);
        assertEquals(List.of("hello"), broken.attempted, "nothing more goes to the failed sink");

        var next = new ManualSink();
        next.autoComplete = true;
        outbox.attach(next, "welcome", 0);
        assertEquals(List.of("welcome", "{\"n\":1}"), next.written, "the next connection's chain is not wedged");
    }

    @Test
    void aFarewellWhoseWriteThrowsStillRunsWhatFollowsIt() {
        var outbox = outbox(10, 10_000, new CountingListener());
        var sink = new ManualSink();
        sink.autoComplete = true;
        outbox.attach(sink, "hello", 0);
        var closing = new ThrowingSink(new IllegalStateException("closed"));
        outbox.attach(closing, null, 0);
        var closed = new AtomicInteger();
        outbox.finish(closing, "bye", closed::incrementAndGet);
        assertEquals(List.of("bye"), closing.attempted);
        assertEquals(1, closed.get(), "the connection is closed although the bye could not be written");
    }
}

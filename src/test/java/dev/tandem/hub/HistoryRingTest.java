package dev.tandem.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryRingTest {
    private static StoredEvent event(long seq, long ts, int bytes) {
        return new StoredEvent(seq, "a", ts, null, "x".repeat(bytes), null);
    }

    private static HistoryRing ring(int minEvents, long retainMillis, long maxBytes) {
        return new HistoryRing(minEvents, retainMillis, maxBytes, new HistoryRing.Budget(Long.MAX_VALUE));
    }

    private static List<Long> seqs(List<StoredEvent> events) {
        return events.stream().map(StoredEvent::seq).toList();
    }

    @Test
    void aCountOnlyRingKeepsExactlyTheNewestEvents() {
        var ring = new HistoryRing(3);
        for (long seq = 1; seq <= 10; seq++) {
            ring.append(event(seq, 0, 10), 1_000_000);
        }
        assertEquals(3, ring.size());
        assertEquals(8, ring.oldestSeq());
        assertEquals(List.of(8L, 9L, 10L), seqs(ring.after(0, 100)));
        assertEquals(List.of(9L, 10L), seqs(ring.after(8, 100)));
        assertEquals(List.of(9L), seqs(ring.after(8, 1)));
        assertEquals(List.of(), seqs(ring.after(10, 100)));
        assertEquals(9, ring.next(8).seq());
        assertNull(ring.next(6), "event 7 is gone");
        assertNull(ring.next(10), "nothing after the newest");
        assertTrue(ring.holdsAfter(7));
        assertFalse(ring.holdsAfter(6));
        assertEquals(10, ring.newest(0).seq());
        assertEquals(List.of(9L, 10L), seqs(ring.last(2)));
    }

    @Test
    void olderEventsStayWhileYoungerThanTheRetentionAndWithinTheBytes() {
        var ring = ring(2, 1000, 1_000_000);
        for (long seq = 1; seq <= 100; seq++) {
            ring.append(event(seq, seq * 10, 100), seq * 10);
        }
        // At t = 1000 everything from t >= 0 is younger than 1000 ms: all 100 kept, well within the bytes.
        assertEquals(100, ring.size());
        ring.append(event(101, 2500, 100), 2500);
        // At t = 2500 the events before t = 1500 are too old: only 101 (t = 2500) is younger, the minimum keeps 2.
        assertEquals(List.of(100L, 101L), seqs(ring.after(0, 1000)));
    }

    @Test
    void theBytesBoundLetsYoungEventsGoButNeverBelowTheMinimum() {
        var ring = ring(5, 60_000, 10_000);
        for (long seq = 1; seq <= 200; seq++) {
            ring.append(event(seq, 0, 904), 0); // 904 characters + 96 overhead = 1,000 bytes each
        }
        assertEquals(10, ring.size(), "ten events weigh the 10,000 bytes allowed");
        assertEquals(191, ring.oldestSeq());
        assertTrue(ring.bytes() <= 10_000);
        var big = ring(5, 60_000, 10);
        for (long seq = 1; seq <= 20; seq++) {
            big.append(event(seq, 0, 1000), 0);
        }
        assertEquals(5, big.size(), "the minimum is kept whatever it weighs");
    }

    @Test
    void theRingGrowsAndShrinksAndKeepsOrderAcrossTheWrap() {
        var ring = ring(4, 1000, Long.MAX_VALUE);
        for (long seq = 1; seq <= 500; seq++) {
            ring.append(event(seq, 0, 1), 0);
        }
        assertEquals(500, ring.size());
        assertEquals(List.of(499L, 500L), seqs(ring.after(498, 10)));
        ring.append(event(501, 5000, 1), 5000);
        assertEquals(List.of(498L, 499L, 500L, 501L), seqs(ring.after(0, 10)), "the old ones expired, the minimum stays");
        for (long seq = 502; seq <= 520; seq++) {
            ring.append(event(seq, 5000, 1), 5000);
        }
        assertEquals(LongStreams.range(501, 520), seqs(ring.after(0, 100)),
                "the expired events beyond the minimum went as young ones came; the young ones all stay");
    }

    private static final class LongStreams {
        static List<Long> range(long from, long to) {
            return java.util.stream.LongStream.rangeClosed(from, to).boxed().toList();
        }
    }

    @Test
    void theHistoriesOfAllTopicsShareOneBudgetAndKeepTheirMinimumBeyondIt() {
        var budget = new HistoryRing.Budget(20_000);
        var busy = new HistoryRing(3, 60_000, 1_000_000, budget);
        var other = new HistoryRing(3, 60_000, 1_000_000, budget);
        for (long seq = 1; seq <= 15; seq++) {
            other.append(event(seq, 0, 904), 0); // 1,000 bytes each
        }
        assertEquals(15, other.size());
        for (long seq = 1; seq <= 100; seq++) {
            busy.append(event(seq, 0, 904), 0);
        }
        assertEquals(5, busy.size(), "the other topic holds 15,000 of the 20,000 bytes: 5 left for this one");
        assertEquals(20_000, budget.used());
        for (long seq = 16; seq <= 40; seq++) {
            other.append(event(seq, 0, 904), 0);
        }
        assertEquals(15, other.size(), "at the budget, an appending topic lets its oldest go, one for one");
        assertEquals(26, other.oldestSeq());
        assertEquals(5, busy.size(), "a topic that does not append keeps what it has");
        assertEquals(busy.bytes() + other.bytes(), budget.used());
        assertEquals(20_000, budget.used());

        var tiny = new HistoryRing.Budget(1000);
        var a = new HistoryRing(3, 60_000, 1_000_000, tiny);
        var b = new HistoryRing(3, 60_000, 1_000_000, tiny);
        for (long seq = 1; seq <= 10; seq++) {
            a.append(event(seq, 0, 904), 0);
            b.append(event(seq, 0, 904), 0);
        }
        assertEquals(3, a.size(), "never fewer than the minimum, whatever the budget");
        assertEquals(3, b.size());
    }
}

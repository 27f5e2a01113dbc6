package dev.tandem.session;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.ProtocolException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class DocumentQuotaTest {

    @Test
    void aRoomTakesNoMoreDocumentsThanItsLimitCountingThoseAlreadyStored() {
        DocumentQuota quota = new DocumentQuota(2, room -> room.equals("r1") ? Set.of("r1/canvas") : Set.of(), doc -> false);
        assertDoesNotThrow(() -> quota.admit("r1/canvas"), "a stored document is admitted again");
        assertDoesNotThrow(() -> quota.admit("r1/thread/1"));
        var refused = assertThrows(ProtocolException.class, () -> quota.admit("r1/thread/2"));
        assertEquals(ErrorCode.LIMIT_EXCEEDED, refused.code());
        assertDoesNotThrow(() -> quota.admit("r1/thread/1"), "documents already admitted stay usable");
        assertDoesNotThrow(() -> quota.admit("r2/canvas"), "other rooms have their own count");
        assertDoesNotThrow(() -> quota.admit("r2/thread/9"));
    }

    @Test
    void aDocumentTheRestApiStoredAfterTheRoomWasCountedIsAdmittedButNoNewOne() {
        Set<String> stored = ConcurrentHashMap.newKeySet();
        stored.add("r1/canvas");
        DocumentQuota quota = new DocumentQuota(2, room -> Set.copyOf(stored), stored::contains);
        quota.admit("r1/thread/1");
        assertThrows(ProtocolException.class, () -> quota.admit("r1/thread/2"));
        stored.add("r1/thread/3"); // POST /api/v1/rooms/r1/docs/thread/3: the backend is not capped
        assertDoesNotThrow(() -> quota.admit("r1/thread/3"), "a stored document can be opened");
        var refused = assertThrows(ProtocolException.class, () -> quota.admit("r1/thread/4"));
        assertEquals(ErrorCode.LIMIT_EXCEEDED, refused.code());
    }

    @Test
    void aReaderOpensDocumentsWithoutTakingAPlaceButNotANewOneInAFullRoom() {
        DocumentQuota quota = new DocumentQuota(2, room -> Set.of(), doc -> false);
        quota.check("r1/thread/1");
        quota.check("r1/thread/2");
        quota.check("r1/thread/3");
        quota.admit("r1/canvas");
        quota.admit("r1/thread/2");
        assertThrows(ProtocolException.class, () -> quota.admit("r1/thread/1"), "the reader took no place");
        assertDoesNotThrow(() -> quota.check("r1/thread/2"), "a counted document stays readable");
        var refused = assertThrows(ProtocolException.class, () -> quota.check("r1/thread/9"));
        assertEquals(ErrorCode.LIMIT_EXCEEDED, refused.code());
    }

    /** Found by a black-box probe: places taken by documents nobody wrote to were never given back. */
    @Test
    void aPlaceTakenForADocumentNobodyWroteToIsGivenBackOnceItIsNoLongerInUse() {
        Set<String> stored = ConcurrentHashMap.newKeySet();
        Set<String> loaded = ConcurrentHashMap.newKeySet();
        long[] now = {1_000_000};
        Clock clock = new Clock() {
            @Override public ZoneId getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(ZoneId zone) { return this; }
            @Override public Instant instant() { return Instant.ofEpochMilli(now[0]); }
        };
        DocumentQuota quota = new DocumentQuota(2, room -> Set.copyOf(stored), stored::contains, loaded::contains, clock);
        quota.admit("r1/a");
        quota.admit("r1/b");
        loaded.add("r1/a");
        loaded.add("r1/b");
        assertThrows(ProtocolException.class, () -> quota.admit("r1/c"), "both in use");

        // a is closed and evicted, but was admitted a moment ago: its subscribe may still be on its way.
        loaded.remove("r1/a");
        now[0] += DocumentQuota.GRACE_MILLIS - 1;
        assertThrows(ProtocolException.class, () -> quota.admit("r1/c"), "within the grace period");
        now[0] += DocumentQuota.REBUILD_MILLIS; // the count is rebuilt at most that often per room
        assertDoesNotThrow(() -> quota.admit("r1/c"), "a's place was given back");
        var refused = assertThrows(ProtocolException.class, () -> quota.admit("r1/d"));
        assertEquals(ErrorCode.LIMIT_EXCEEDED, refused.code(), "b is in use, c was just admitted");

        // A stored document keeps its place even when it is not loaded; b, written to, is stored.
        stored.add("r1/b");
        loaded.remove("r1/b");
        now[0] += DocumentQuota.GRACE_MILLIS + 1;
        loaded.add("r1/c");
        assertThrows(ProtocolException.class, () -> quota.admit("r1/d"), "b stored, c in use");
        assertThrows(ProtocolException.class, () -> quota.admit("r1/a"), "a was given back; the room is full again");
        loaded.remove("r1/c");
        assertThrows(ProtocolException.class, () -> quota.check("r1/d"), "a reader's refusal does not rebuild the count");
        now[0] += DocumentQuota.REBUILD_MILLIS;
        assertDoesNotThrow(() -> quota.admit("r1/d"), "a writer's does, once c is no longer in use");
    }
}

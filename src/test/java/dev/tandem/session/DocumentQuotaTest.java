package dev.tandem.session;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.ProtocolException;
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
}

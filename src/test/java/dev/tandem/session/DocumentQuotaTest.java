package dev.tandem.session;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.ProtocolException;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DocumentQuotaTest {

    @Test
    void aRoomTakesNoMoreDocumentsThanItsLimitCountingThoseAlreadyStored() {
        DocumentQuota quota = new DocumentQuota(2, room -> room.equals("r1") ? Set.of("r1/canvas") : Set.of());
        assertDoesNotThrow(() -> quota.admit("r1/canvas"), "a stored document is admitted again");
        assertDoesNotThrow(() -> quota.admit("r1/thread/1"));
        var refused = assertThrows(ProtocolException.class, () -> quota.admit("r1/thread/2"));
        assertEquals(ErrorCode.LIMIT_EXCEEDED, refused.code());
        assertDoesNotThrow(() -> quota.admit("r1/thread/1"), "documents already admitted stay usable");
        assertDoesNotThrow(() -> quota.admit("r2/canvas"), "other rooms have their own count");
        assertDoesNotThrow(() -> quota.admit("r2/thread/9"));
    }
}

package dev.tandem.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DocIdTest {
    @Test
    void acceptsRoomAndOneOrTwoNameSegments() {
        assertEquals(new DocId("r1", "canvas"), DocId.parse("r1/canvas"));
        assertEquals(new DocId("r1", "thread/42"), DocId.parse("r1/thread/42"));
        assertEquals(DocKind.CANVAS, DocId.parse("r1/canvas").kind());
        assertEquals(DocKind.THREAD, DocId.parse("r-1/thread/a_b").kind());
        assertEquals(DocKind.GENERIC, DocId.parse("r1/notes").kind());
        assertEquals(DocKind.GENERIC, DocId.parse("r1/thread").kind());
    }

    @Test
    void rejectsMalformedIdsWithBadRequest() {
        for (String bad : new String[] {"", "r1", "r1/", "/canvas", "r1/a/b/c", "r1/can vas", "r1/../x", "r1/a//b",
                "r\u00e9/x", "r1/" + "x".repeat(65), null}) {
            DocException e = assertThrows(DocException.class, () -> DocId.parse(bad), String.valueOf(bad));
            assertEquals("bad_request", e.code());
        }
    }
}

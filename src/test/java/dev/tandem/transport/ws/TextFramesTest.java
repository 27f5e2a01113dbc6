package dev.tandem.transport.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TextFramesTest {

    /** The frame an RFC 6455 server writes for {@code text}, built independently of the code under test. */
    private static byte[] expectedFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x81);
        if (payload.length < 126) {
            out.write(payload.length);
        } else if (payload.length < 65536) {
            out.write(126);
            out.write(payload.length >> 8);
            out.write(payload.length & 0xFF);
        } else {
            out.write(127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) payload.length >> shift) & 0xFF);
            }
        }
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private static String ofUtf8Length(int bytes) {
        char[] chars = new char[bytes];
        Arrays.fill(chars, 'x');
        return new String(chars);
    }

    @Test
    void framesEachLengthFormAtItsBoundaries() {
        for (int length : new int[] {0, 1, 125, 126, 127, 65535, 65536, 70000}) {
            String text = ofUtf8Length(length);
            byte[] frame = TextFrames.frame(text);
            assertArrayEquals(expectedFrame(text), frame, "payload of " + length + " bytes");
            int header = length <= 125 ? 2 : length <= 65535 ? 4 : 10;
            assertEquals(header + length, frame.length);
        }
    }

    @Test
    void headerIsFinalTextUnmaskedWithoutExtensionBits() {
        byte[] frame = TextFrames.frame("{\"type\":\"event\"}");
        assertEquals(0x81, frame[0] & 0xFF, "FIN, no RSV bits, opcode 1");
        assertEquals(16, frame[1], "no mask bit, length 16");
    }

    @Test
    void lengthCountsUtf8BytesNotCharacters() {
        String text = "é✓日本🙂";
        byte[] frame = TextFrames.frame(text);
        assertEquals(2 + 3 + 3 + 3 + 4, frame[1], "é ✓ 日 本 🙂: 15 bytes, 6 chars");
        assertEquals(text, new String(frame, 2, frame.length - 2, StandardCharsets.UTF_8));
        String longer = "日本".repeat(50);
        assertArrayEquals(expectedFrame(longer), TextFrames.frame(longer), "300 bytes: the 16-bit form");
    }

    @Test
    void theSameTextIsFramedOncePerThreadAndAnotherTextAfresh() {
        String text = new String("{\"seq\":1}");
        byte[] first = TextFrames.framed(text);
        assertSame(first, TextFrames.framed(text), "the next subscriber of the same publish shares the frame");
        String other = new String("{\"seq\":2}");
        byte[] second = TextFrames.framed(other);
        assertArrayEquals(expectedFrame(other), second);
        String equalButNew = new String("{\"seq\":2}");
        byte[] third = TextFrames.framed(equalButNew);
        assertNotSame(second, third, "identity, not equality: a new string is framed again");
        assertArrayEquals(second, third);
        assertArrayEquals(expectedFrame(text), TextFrames.framed(text));
    }

    @Test
    void longTextsAreNotRememberedByTheThread() {
        String snapshot = ofUtf8Length(TextFrames.MAX_REMEMBERED_CHARS + 1);
        byte[] first = TextFrames.framed(snapshot);
        assertNotSame(first, TextFrames.framed(snapshot), "framed afresh: no thread holds a large frame");
        assertArrayEquals(expectedFrame(snapshot), first);
        String limit = ofUtf8Length(TextFrames.MAX_REMEMBERED_CHARS);
        assertSame(TextFrames.framed(limit), TextFrames.framed(limit));
    }
}

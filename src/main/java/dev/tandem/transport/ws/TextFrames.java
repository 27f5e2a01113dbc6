package dev.tandem.transport.ws;

import java.nio.charset.StandardCharsets;

/**
 * WebSocket text frames as a server sends them (RFC 6455, section 5.2): one final frame, opcode 1, no
 * mask, no extension bits, the payload length in 7, 16 or 64 bits, then the text as UTF-8.
 *
 * <p>A publish sends the same text (one {@code String}, shared by every subscriber's outbox) to many
 * connections one after another, on the same thread; {@link #framed} frames it once per thread and hands
 * the same bytes to every connection. See {@link RawFrames} for why this is worth doing.
 */
final class TextFrames {
    /** FIN + opcode 1 (text). */
    private static final int FIN_TEXT = 0x81;
    /** Longer texts (document snapshots, say) are framed afresh each time, so no thread keeps one alive. */
    static final int MAX_REMEMBERED_CHARS = 16 * 1024;
    private static final ThreadLocal<LastFramed> LAST = ThreadLocal.withInitial(LastFramed::new);

    /** The last text framed on a thread, by identity, and its frame. */
    private static final class LastFramed {
        String text;
        byte[] frame;
    }

    private TextFrames() {
    }

    /**
     * The frame for {@code text}: the one framed last on this thread when {@code text} is the same
     * instance (and at most {@link #MAX_REMEMBERED_CHARS} long), else a new one. The array is shared:
     * callers only read it.
     */
    static byte[] framed(String text) {
        if (text.length() > MAX_REMEMBERED_CHARS) {
            return frame(text);
        }
        LastFramed last = LAST.get();
        if (last.text != text) {
            last.frame = frame(text);
            last.text = text;
        }
        return last.frame;
    }

    /** A new frame for {@code text}. */
    static byte[] frame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        int length = payload.length;
        int header = length <= 125 ? 2 : length <= 0xFFFF ? 4 : 10;
        byte[] frame = new byte[header + length];
        frame[0] = (byte) FIN_TEXT;
        if (header == 2) {
            frame[1] = (byte) length;
        } else if (header == 4) {
            frame[1] = 126;
            frame[2] = (byte) (length >>> 8);
            frame[3] = (byte) length;
        } else {
            frame[1] = 127;
            long longLength = length;
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) (longLength >>> (56 - 8 * i));
            }
        }
        System.arraycopy(payload, 0, frame, header, length);
        return frame;
    }
}

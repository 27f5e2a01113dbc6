package dev.tandem.transport.sse;

import java.nio.charset.StandardCharsets;

/**
 * The bytes of {@code text/event-stream} events (WHATWG HTML, "Server-sent events"): one array per event,
 * written to the stream in one call, or as one HTTP/1.1 chunk where the stream frames its own chunks
 * ({@link GrizzlyEvents}).
 */
final class SseEvents {
    /** A comment line: EventSource ignores it; it keeps proxies and the client's idle timers quiet. */
    static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] CHUNKED_PING = chunk(PING);
    private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);

    /** The last frame encoded: a publish's frame is one string shared by all its subscribers' events. */
    private record Encoded(String text, byte[] utf8) {
    }

    private static volatile Encoded last = new Encoded("", new byte[0]);

    private SseEvents() {
    }

    /**
     * An event with an optional {@code id} (null: none; ASCII, as session ids and positions are) whose
     * data is {@code text}. A line break in the text (CR, LF or CRLF) starts a new {@code data:} line,
     * which EventSource joins back with LF; a frame encoded as JSON has none, and is copied as it is.
     */
    static byte[] event(String id, String text) {
        return event(id, text, false);
    }

    /** As {@link #event}, framed as one HTTP/1.1 chunk ({@link #chunk}) in the same array. */
    static byte[] chunkedEvent(String id, String text) {
        return event(id, text, true);
    }

    private static byte[] event(String id, String text, boolean chunked) {
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            byte[] event = multiline(id, text);
            return chunked ? chunk(event) : event;
        }
        byte[] data = utf8(text);
        byte[] idBytes = id == null ? null : id.getBytes(StandardCharsets.US_ASCII);
        int idLength = id == null ? 0 : ID.length + idBytes.length + 1;
        int eventLength = idLength + DATA.length + data.length + 2;
        byte[] size = chunked ? Integer.toHexString(eventLength).getBytes(StandardCharsets.US_ASCII) : null;
        int at = chunked ? size.length + 2 : 0;
        byte[] bytes = new byte[at + eventLength + (chunked ? 2 : 0)];
        if (chunked) {
            System.arraycopy(size, 0, bytes, 0, size.length);
            endLine(bytes, size.length);
            endLine(bytes, bytes.length - 2);
        }
        if (id != null) {
            System.arraycopy(ID, 0, bytes, at, ID.length);
            System.arraycopy(idBytes, 0, bytes, at + ID.length, idBytes.length);
            at += idLength;
            bytes[at - 1] = '\n';
        }
        System.arraycopy(DATA, 0, bytes, at, DATA.length);
        at += DATA.length;
        System.arraycopy(data, 0, bytes, at, data.length);
        at += data.length;
        bytes[at] = '\n';
        bytes[at + 1] = '\n';
        return bytes;
    }

    /** {@code text} in UTF-8, encoded once for all the subscribers of a publish. */
    private static byte[] utf8(String text) {
        Encoded cached = last;
        if (cached.text() == text) {
            return cached.utf8();
        }
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        last = new Encoded(text, utf8);
        return utf8;
    }

    private static byte[] multiline(String id, String text) {
        StringBuilder event = new StringBuilder(text.length() + (id == null ? 0 : id.length()) + 16);
        if (id != null) {
            event.append("id: ").append(id).append('\n');
        }
        event.append("data: ");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                event.append("\ndata: ");
            } else {
                event.append(c);
            }
        }
        return event.append("\n\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code event} as one HTTP/1.1 chunk (RFC 9112, 7.1): its size in hex, CRLF, the bytes, CRLF. */
    static byte[] chunk(byte[] event) {
        byte[] size = Integer.toHexString(event.length).getBytes(StandardCharsets.US_ASCII);
        byte[] chunk = new byte[size.length + 2 + event.length + 2];
        System.arraycopy(size, 0, chunk, 0, size.length);
        endLine(chunk, size.length);
        System.arraycopy(event, 0, chunk, size.length + 2, event.length);
        endLine(chunk, chunk.length - 2);
        return chunk;
    }

    private static void endLine(byte[] bytes, int at) {
        bytes[at] = '\r';
        bytes[at + 1] = '\n';
    }
}

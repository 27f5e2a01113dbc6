package dev.tandem.transport.sse;

import java.nio.charset.StandardCharsets;

/**
 * The bytes of {@code text/event-stream} events (WHATWG HTML, "Server-sent events"): one array per event,
 * written to the stream in one call.
 */
final class SseEvents {
    /** A comment line: EventSource ignores it; it keeps proxies and the client's idle timers quiet. */
    static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.US_ASCII);

    private SseEvents() {
    }

    private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);

    /**
     * An event with an optional {@code id} (null: none; ASCII, as session ids and positions are) whose
     * data is {@code text}. A line break in the text (CR, LF or CRLF) starts a new {@code data:} line,
     * which EventSource joins back with LF; a frame encoded as JSON has none, and is copied as it is.
     */
    static byte[] event(String id, String text) {
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            return multiline(id, text);
        }
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        byte[] idBytes = id == null ? null : id.getBytes(StandardCharsets.US_ASCII);
        int idLength = id == null ? 0 : ID.length + idBytes.length + 1;
        byte[] event = new byte[idLength + DATA.length + data.length + 2];
        int at = 0;
        if (id != null) {
            System.arraycopy(ID, 0, event, 0, ID.length);
            System.arraycopy(idBytes, 0, event, ID.length, idBytes.length);
            at = idLength;
            event[at - 1] = '\n';
        }
        System.arraycopy(DATA, 0, event, at, DATA.length);
        at += DATA.length;
        System.arraycopy(data, 0, event, at, data.length);
        at += data.length;
        event[at] = '\n';
        event[at + 1] = '\n';
        return event;
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
        chunk[size.length] = '\r';
        chunk[size.length + 1] = '\n';
        System.arraycopy(event, 0, chunk, size.length + 2, event.length);
        chunk[chunk.length - 2] = '\r';
        chunk[chunk.length - 1] = '\n';
        return chunk;
    }
}

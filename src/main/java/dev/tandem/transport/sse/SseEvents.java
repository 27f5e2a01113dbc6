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

    /**
     * An event with an optional {@code id} (null: none) whose data is {@code text}. A line break in the
     * text (CR, LF or CRLF) starts a new {@code data:} line, which EventSource joins back with LF.
     */
    static byte[] event(String id, String text) {
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
}

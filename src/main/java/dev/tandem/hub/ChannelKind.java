package dev.tandem.hub;

/** How a channel's snapshot is built. */
public enum ChannelKind {
    /** Snapshot = the last events; events are independent messages (chat, deltas, tool calls). */
    LOG,
    /** Snapshot = the current JSON value; each event is a JSON merge patch (RFC 7396) on it (UI state). */
    STATE;

    public String wire() {
        return name().toLowerCase();
    }
}

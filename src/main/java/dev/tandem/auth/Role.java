package dev.tandem.auth;

import java.util.Locale;

/** What a token holder may do in its rooms. */
public enum Role {
    /** Everything, and may mint share links for its rooms. */
    OWNER,
    /** Reads and writes: publish, change documents, call tools. */
    COLLABORATOR,
    /** Reads only: no publish, no document changes, no tool calls. */
    VIEWER,
    /** Anonymous public access: reads only, like a viewer. */
    PUBLIC;

    public boolean canWrite() {
        return this == OWNER || this == COLLABORATOR;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String value) {
        if (value == null) {
            return COLLABORATOR;
        }
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown role: " + value, e);
        }
    }
}

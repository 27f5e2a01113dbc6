package dev.tandem.auth;

import java.util.Locale;

/** What a token holder may do in its rooms. */
public enum Role {
    OWNER, COLLABORATOR, VIEWER, PUBLIC;

    /** Viewers (and public links minted as viewers) only read. */
    public boolean canWrite() {
        return this != VIEWER;
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

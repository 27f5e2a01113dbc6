package dev.tandem.auth;

import java.time.Instant;
import java.util.List;

/** Who is on a connection, as stated by a verified join token. */
public record Principal(String identity, String name, List<String> rooms, Role role, Instant expiresAt) {
    public Principal {
        rooms = List.copyOf(rooms);
    }

    public boolean canRead(String room) {
        return rooms.contains(room);
    }

    public boolean canWrite(String room) {
        return canRead(room) && role.canWrite();
    }
}

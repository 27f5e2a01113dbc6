package dev.tandem.client;

import java.util.List;

/**
 * What a join token grants (docs/protocol.md, {@code POST /api/v1/tokens}): an identity, its display name,
 * the rooms, a role ({@code owner}, {@code collaborator}, {@code viewer}, {@code public}) and a lifetime
 * (0: the server's default).
 */
public record TokenRequest(String identity, String name, List<String> rooms, String role, long ttlSeconds) {

    public TokenRequest {
        rooms = List.copyOf(rooms);
    }

    /** A collaborator token for {@code identity} in {@code rooms}, with the server's default lifetime. */
    public static TokenRequest of(String identity, String... rooms) {
        return new TokenRequest(identity, null, List.of(rooms), "collaborator", 0);
    }

    public TokenRequest withName(String displayName) {
        return new TokenRequest(identity, displayName, rooms, role, ttlSeconds);
    }

    public TokenRequest withRole(String newRole) {
        return new TokenRequest(identity, name, rooms, newRole, ttlSeconds);
    }

    public TokenRequest withTtlSeconds(long seconds) {
        return new TokenRequest(identity, name, rooms, role, seconds);
    }
}

package dev.tandem.auth;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Who is on a connection, as stated by a verified join token: identity, display profile (name, avatar,
 * colour), rooms, role, grants and expiry. {@code linkId} names the share link the token came from.
 */
public record Principal(String identity, String name, List<String> rooms, Role role, Instant expiresAt,
                        String avatar, String color, Grants grants, String linkId) {
    /** The expiry is kept in whole seconds, as the token's {@code exp} carries it. */
    public Principal {
        rooms = List.copyOf(rooms);
        grants = grants == null ? Grants.ALL : grants;
        expiresAt = expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.SECONDS);
    }

    public Principal(String identity, String name, List<String> rooms, Role role, Instant expiresAt) {
        this(identity, name, rooms, role, expiresAt, null, null, Grants.ALL, null);
    }

    public boolean canRead(String room) {
        return rooms.contains(room);
    }

    public boolean canWrite(String room) {
        return canRead(room) && role.canWrite();
    }

    public boolean canSubscribe(String room, String channel) {
        return canRead(room) && grants.subscribe().matches(channel);
    }

    public boolean canPublish(String room, String channel) {
        return canWrite(room) && grants.publish().matches(channel);
    }

    /** For tool calls (a later feature): viewers never call or provide tools. */
    public boolean canCallTool(String room, String tool) {
        return canWrite(room) && grants.callTools().matches(tool);
    }

    public boolean canProvideTool(String room, String tool) {
        return canWrite(room) && grants.provideTools().matches(tool);
    }

    public boolean isOwnerOf(String room) {
        return canRead(room) && role == Role.OWNER;
    }
}

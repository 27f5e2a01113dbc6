package dev.tandem.auth;

import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.ProtocolException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * Revocable share links of a room, persisted in {@code share_link}. A link's id is an unguessable secret:
 * whoever holds it exchanges it for a join token with the link's role. Revoked ids are also kept in memory
 * so that every connect and refresh checks them without a database round trip.
 */
public final class ShareLinks {
    public record Link(String id, String room, Role role, String createdBy, Instant createdAt, Instant revokedAt) {
        public boolean revoked() {
            return revokedAt != null;
        }
    }

    private final DataSource db;
    private final Clock clock;
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();

    public ShareLinks(DataSource db, Clock clock) {
        this.db = db;
        this.clock = clock;
        query("SELECT id FROM share_link WHERE revoked_at IS NOT NULL", ps -> {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    revoked.add(rs.getString(1));
                }
            }
            return null;
        });
    }

    /** Links grant read (viewer) or read-write (collaborator) access to one room. */
    public Link create(String room, Role role, String createdBy) {
        if (role != Role.VIEWER && role != Role.COLLABORATOR) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "a share link's role is viewer or collaborator");
        }
        Link link = new Link(Secrets.random(18), room, role, createdBy, clock.instant(), null);
        query("INSERT INTO share_link (id, room, role, created_by, created_at) VALUES (?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, link.id());
            ps.setString(2, room);
            ps.setString(3, role.wire());
            ps.setString(4, createdBy);
            ps.setTimestamp(5, Timestamp.from(link.createdAt()));
            return ps.executeUpdate();
        });
        return link;
    }

    public Optional<Link> find(String id) {
        if (id == null || id.length() > 64) {
            return Optional.empty();
        }
        return query("SELECT id, room, role, created_by, created_at, revoked_at FROM share_link WHERE id = ?", ps -> {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(link(rs)) : Optional.<Link>empty();
            }
        });
    }

    public List<Link> list(String room) {
        return query("SELECT id, room, role, created_by, created_at, revoked_at FROM share_link WHERE room = ?"
                + " ORDER BY created_at", ps -> {
            ps.setString(1, room);
            List<Link> links = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    links.add(link(rs));
                }
            }
            return links;
        });
    }

    /** Marks the link revoked; false when the room has no such link. */
    public boolean revoke(String room, String id) {
        int updated = query("UPDATE share_link SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND room = ?", ps -> {
            ps.setTimestamp(1, Timestamp.from(clock.instant()));
            ps.setString(2, id);
            ps.setString(3, room);
            return ps.executeUpdate();
        });
        if (updated > 0) {
            revoked.add(id);
        }
        return updated > 0;
    }

    public boolean isRevoked(String id) {
        return revoked.contains(id);
    }

    private static Link link(ResultSet rs) throws SQLException {
        Timestamp revokedAt = rs.getTimestamp(6);
        return new Link(rs.getString(1), rs.getString(2), Role.parse(rs.getString(3)), rs.getString(4),
                rs.getTimestamp(5).toInstant(), revokedAt == null ? null : revokedAt.toInstant());
    }

    private <T> T query(String sql, Jdbc.Body<T> body) {
        return Jdbc.run(db, sql, body);
    }
}

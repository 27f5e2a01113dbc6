package dev.tandem.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * {@link DocumentStore} over JDBC (H2 or PostgreSQL), tables from {@code db/migration/V1__documents.sql}.
 * Run {@link Migrations#migrate(DataSource)} once before use.
 */
public final class JdbcDocumentStore implements DocumentStore {
    private final DataSource dataSource;

    public JdbcDocumentStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Optional<StoredDocument> load(String docId) {
        try (Connection c = dataSource.getConnection()) {
            byte[] snapshot = null;
            long snapshotSeq = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT data, upto_seq FROM doc_snapshot WHERE doc_id = ?")) {
                ps.setString(1, docId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        snapshot = rs.getBytes(1);
                        snapshotSeq = rs.getLong(2);
                    }
                }
            }
            List<byte[]> changes = new ArrayList<>();
            long last = snapshotSeq;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT seq, data FROM doc_change WHERE doc_id = ? AND seq > ? ORDER BY seq")) {
                ps.setString(1, docId);
                ps.setLong(2, snapshotSeq);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        last = rs.getLong(1);
                        changes.add(rs.getBytes(2));
                    }
                }
            }
            if (snapshot == null && changes.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new StoredDocument(snapshot, snapshotSeq, changes, last));
        } catch (SQLException e) {
            throw new StoreException("load " + docId, e);
        }
    }

    @Override
    public void appendChanges(String docId, long seq, byte[] changes) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO doc_change (doc_id, seq, data, created_at) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, docId);
            ps.setLong(2, seq);
            ps.setBytes(3, changes);
            ps.setTimestamp(4, new Timestamp(System.currentTimeMillis()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("append " + docId + "#" + seq, e);
        }
    }

    @Override
    public void saveSnapshot(String docId, byte[] snapshot, List<String> heads, long uptoSeq) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM doc_snapshot WHERE doc_id = ?")) {
                    ps.setString(1, docId);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO doc_snapshot (doc_id, data, heads, upto_seq, updated_at) VALUES (?, ?, ?, ?, ?)")) {
                    ps.setString(1, docId);
                    ps.setBytes(2, snapshot);
                    ps.setString(3, String.join(",", heads));
                    ps.setLong(4, uptoSeq);
                    ps.setTimestamp(5, new Timestamp(System.currentTimeMillis()));
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM doc_change WHERE doc_id = ? AND seq <= ?")) {
                    ps.setString(1, docId);
                    ps.setLong(2, uptoSeq);
                    ps.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new StoreException("snapshot " + docId, e);
        }
    }

    @Override
    public void delete(String docId) {
        try (Connection c = dataSource.getConnection()) {
            for (String sql : new String[] {"DELETE FROM doc_change WHERE doc_id = ?", "DELETE FROM doc_snapshot WHERE doc_id = ?"}) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, docId);
                    ps.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw new StoreException("delete " + docId, e);
        }
    }

    @Override
    public boolean isStored(String docId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM doc_snapshot WHERE doc_id = ? UNION ALL SELECT 1 FROM doc_change WHERE doc_id = ?")) {
            ps.setString(1, docId);
            ps.setString(2, docId);
            ps.setMaxRows(1);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new StoreException("looking up " + docId, e);
        }
    }

    @Override
    public Set<String> storedInRoom(String room) {
        String prefix = room.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%") + "/%";
        Set<String> ids = new HashSet<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT doc_id FROM doc_snapshot WHERE doc_id LIKE ? ESCAPE '\\'"
                        + " UNION SELECT doc_id FROM doc_change WHERE doc_id LIKE ? ESCAPE '\\'")) {
            ps.setString(1, prefix);
            ps.setString(2, prefix);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("reading the documents of room " + room, e);
        }
        return ids;
    }
}

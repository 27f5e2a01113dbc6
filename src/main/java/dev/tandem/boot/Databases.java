package dev.tandem.boot;

import dev.tandem.config.TandemConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;

/** The database: a container datasource by JNDI name (PostgreSQL in production) or the embedded H2. */
final class Databases {
    private Databases() {
    }

    static DataSource dataSource(TandemConfig config) {
        if (config.datasource() != null) {
            try {
                return (DataSource) new InitialContext().lookup(config.datasource());
            } catch (NamingException e) {
                throw new IllegalStateException("tandem.datasource " + config.datasource() + " not found", e);
            }
        }
        // A pool keeps the embedded database open: with a plain JdbcDataSource, H2 closes the database
        // (checkpoint + fsync) whenever the last connection closes and reopens it on the next persist.
        return JdbcConnectionPool.create(config.dbUrl(), "sa", "");
    }

    /** Closes what {@link #dataSource} opened (the embedded pool: H2 closes the file, so a redeploy can open it). */
    static void close(DataSource dataSource) {
        if (dataSource instanceof JdbcConnectionPool pool) {
            pool.dispose();
        }
    }

    /** The ids of a room's stored documents (for the per-room document limit). */
    static Function<String, Set<String>> documentsOfRoom(DataSource dataSource) {
        return room -> {
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
                throw new IllegalStateException("reading the documents of room " + room, e);
            }
            return ids;
        };
    }
}

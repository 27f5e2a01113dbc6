package dev.tandem.auth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/** One prepared statement on a pooled connection; database failures become unchecked. */
final class Jdbc {
    interface Body<T> {
        T run(PreparedStatement ps) throws SQLException;
    }

    private Jdbc() {
    }

    static <T> T run(DataSource db, String sql, Body<T> body) {
        try (Connection connection = db.getConnection(); PreparedStatement ps = connection.prepareStatement(sql)) {
            return body.run(ps);
        } catch (SQLException e) {
            throw new IllegalStateException("database: " + e.getMessage(), e);
        }
    }
}

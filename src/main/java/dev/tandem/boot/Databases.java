package dev.tandem.boot;

import dev.tandem.config.TandemConfig;
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
}

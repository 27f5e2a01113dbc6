package dev.tandem.boot;

import dev.tandem.config.TandemConfig;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

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
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(config.dbUrl());
        h2.setUser("sa");
        return h2;
    }
}

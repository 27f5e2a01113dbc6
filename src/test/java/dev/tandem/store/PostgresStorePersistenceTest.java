package dev.tandem.store;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The same contract against the machine's PostgreSQL (127.0.0.1:5432, database {@code test}, user
 * postgres or root, trust auth), in a schema of its own that is dropped afterwards. Reported as
 * SKIPPED (JUnit assumption) when no such server is reachable. Override with -Dtandem.pg.url / -Dtandem.pg.user.
 */
class PostgresStorePersistenceTest extends DocumentPersistenceContract {
    private static final String URL = System.getProperty("tandem.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");
    private String user;
    private String schema;

    @BeforeEach
    void connect() throws Exception {
        String[] users = System.getProperty("tandem.pg.user") != null
                ? new String[] {System.getProperty("tandem.pg.user")} : new String[] {"postgres", "root"};
        DriverManager.setLoginTimeout(3);
        for (String u : users) {
            try (Connection c = DriverManager.getConnection(URL + "?connectTimeout=3", u, "")) {
                user = u;
                break;
            } catch (SQLException e) {
                // try the next user
            }
        }
        assumeTrue(user != null, "PostgreSQL not reachable at " + URL + " (users postgres/root): skipped");
        schema = "tandem_docs_test_" + Long.toHexString(System.nanoTime());
        Migrations.migrate(new SimpleDataSource(URL, user), schema);
    }

    @AfterEach
    void dropSchema() throws Exception {
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(URL, user, ""); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    @Override
    DocumentStore openStore() {
        return new JdbcDocumentStore(new SimpleDataSource(URL + "?currentSchema=" + schema, user));
    }
}

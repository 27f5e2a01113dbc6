package dev.tandem.store;

import java.nio.file.Files;
import java.nio.file.Path;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The H2 file database: a "restart" opens a new DataSource (and store) on the same file. */
class H2StorePersistenceTest extends DocumentPersistenceContract {
    @TempDir
    Path dir;
    private String url;

    @BeforeEach
    void migrate() throws Exception {
        Files.createDirectories(dir);
        url = "jdbc:h2:file:" + dir.resolve("tandem").toAbsolutePath();
        Migrations.migrate(dataSource());
    }

    private JdbcDataSource dataSource() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        ds.setUser("sa");
        return ds;
    }

    @Override
    DocumentStore openStore() {
        return new JdbcDocumentStore(dataSource());
    }
}

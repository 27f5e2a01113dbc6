package dev.tandem.store;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** Applies the Flyway migrations in {@code classpath:db/migration} (SQL valid on H2 and PostgreSQL). */
public final class Migrations {
    private Migrations() {
    }

    public static void migrate(DataSource dataSource) {
        migrate(dataSource, null);
    }

    /** @param schema a schema to create and migrate into, or null for the connection's default */
    public static void migrate(DataSource dataSource, String schema) {
        var cfg = Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration");
        if (schema != null) {
            cfg = cfg.schemas(schema).defaultSchema(schema).createSchemas(true);
        }
        cfg.load().migrate();
    }
}

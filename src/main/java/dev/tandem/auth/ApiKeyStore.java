package dev.tandem.auth;

import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Named API keys in {@code api_key}: only the SHA-256 digest of a secret is stored; the secret is shown once. */
public final class ApiKeyStore {
    /** A stored key as listed: never its secret. */
    public record StoredKey(String id, String name, Instant createdAt) {
    }

    /** A key just created: the only time its secret is known. */
    public record NewKey(StoredKey key, String secret) {
    }

    private final DataSource db;
    private final Clock clock;

    public ApiKeyStore(DataSource db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public NewKey create(String name) {
        StoredKey key = new StoredKey(Secrets.random(9), name, clock.instant());
        String secret = "tdk_" + Secrets.random(32);
        Jdbc.run(db, "INSERT INTO api_key (id, name, key_hash, created_at) VALUES (?, ?, ?, ?)", ps -> {
            ps.setString(1, key.id());
            ps.setString(2, name);
            ps.setString(3, Secrets.sha256Hex(secret));
            ps.setTimestamp(4, Timestamp.from(key.createdAt()));
            return ps.executeUpdate();
        });
        return new NewKey(key, secret);
    }

    public List<StoredKey> list() {
        return Jdbc.run(db, "SELECT id, name, created_at FROM api_key ORDER BY created_at, id", ps -> {
            List<StoredKey> keys = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(new StoredKey(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant()));
                }
            }
            return keys;
        });
    }

    public boolean revoke(String id) {
        return Jdbc.run(db, "DELETE FROM api_key WHERE id = ?", ps -> {
            ps.setString(1, id);
            return ps.executeUpdate() > 0;
        });
    }

    /** True when {@code secret} is a stored key; looked up by digest, so no secret is ever compared or kept. */
    public boolean contains(String secret) {
        return Jdbc.run(db, "SELECT 1 FROM api_key WHERE key_hash = ?", ps -> {
            ps.setString(1, Secrets.sha256Hex(secret));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        });
    }
}

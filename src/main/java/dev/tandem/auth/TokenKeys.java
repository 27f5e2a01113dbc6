package dev.tandem.auth;

import dev.tandem.config.TandemConfig;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The HMAC keys join tokens may be signed with, by key id, and the one that signs new tokens. Rotation:
 * add the new key, make it active, remove the old one once its tokens have expired; connections stay up.
 */
public final class TokenKeys {
    static final int MIN_SECRET_BYTES = 32;

    private final Map<String, byte[]> secrets;
    private final String activeId;

    public TokenKeys(Map<String, String> secrets, String activeId) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one token key is required");
        }
        Map<String, byte[]> copy = new LinkedHashMap<>();
        secrets.forEach((id, secret) -> {
            byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
            if (id == null || id.isBlank() || bytes.length < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("token key " + id + ": secrets must be at least "
                        + MIN_SECRET_BYTES + " bytes");
            }
            copy.put(id, bytes);
        });
        if (!copy.containsKey(activeId)) {
            throw new IllegalArgumentException("tandem.tokenKeyId " + activeId + " is not among the token keys " + copy.keySet());
        }
        this.secrets = copy;
        this.activeId = activeId;
    }

    /**
     * The keys of {@code tandem.tokenKeys}, plus {@code secret} ({@code tandem.tokenSecret}, or a random one)
     * under {@code tandem.tokenKeyId} unless the list already names that id.
     */
    public static TokenKeys fromConfig(TandemConfig config, String secret) {
        Map<String, String> all = new LinkedHashMap<>(config.security().tokenKeys());
        if (secret != null) {
            all.putIfAbsent(config.tokenKeyId(), secret);
        }
        return new TokenKeys(all, config.tokenKeyId());
    }

    public static TokenKeys single(String keyId, String secret) {
        return new TokenKeys(Map.of(keyId, secret), keyId);
    }

    public String activeId() {
        return activeId;
    }

    byte[] active() {
        return secrets.get(activeId).clone();
    }

    /** The secret for {@code keyId}, or null when the id is unknown. */
    byte[] secret(String keyId) {
        byte[] secret = keyId == null ? null : secrets.get(keyId);
        return secret == null ? null : secret.clone();
    }

    public Set<String> ids() {
        return Set.copyOf(secrets.keySet());
    }
}

package dev.tandem.auth;

import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Checks the API key that server-side callers present; compared in constant time over SHA-256 digests. */
public final class ApiKeys {
    private final byte[] keyDigest;

    public ApiKeys(String apiKey) {
        this.keyDigest = sha256(apiKey);
    }

    /** Accepts {@code Authorization: Bearer <key>} or a bare key (the {@code X-Api-Key} header). */
    public void require(String authorization, String apiKeyHeader) {
        String presented = apiKeyHeader;
        if (presented == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = authorization.substring(7).trim();
        }
        if (presented == null || presented.isEmpty()) {
            throw new ProtocolException(ErrorCode.UNAUTHORIZED, "an API key is required (Authorization: Bearer <key>)");
        }
        if (!MessageDigest.isEqual(keyDigest, sha256(presented))) {
            throw new ProtocolException(ErrorCode.UNAUTHORIZED, "unknown API key");
        }
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.tandem.auth;

import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.ProtocolException;
import java.security.MessageDigest;

/**
 * Checks the API key that server-side callers present: the configured bootstrap key ({@code tandem.apiKey},
 * the admin key, compared in constant time over SHA-256 digests) or a key from the {@link ApiKeyStore}.
 * Only the admin key manages keys.
 */
public final class ApiKeys {
    private final byte[] adminDigest;
    private final ApiKeyStore store;

    public ApiKeys(String adminKey, ApiKeyStore store) {
        this.adminDigest = Secrets.sha256(adminKey);
        this.store = store;
    }

    public ApiKeyStore store() {
        return store;
    }

    /** Accepts {@code Authorization: Bearer <key>} or a bare key (the {@code X-Api-Key} header). */
    public void require(String authorization, String apiKeyHeader) {
        String presented = requirePresented(authorization, apiKeyHeader);
        if (!isAdmin(presented) && (store == null || !store.contains(presented))) {
            throw new ProtocolException(ErrorCode.UNAUTHORIZED, "unknown API key");
        }
    }

    /** Only the bootstrap key: managing API keys. */
    public void requireAdmin(String authorization, String apiKeyHeader) {
        String presented = requirePresented(authorization, apiKeyHeader);
        if (!isAdmin(presented)) {
            boolean known = store != null && store.contains(presented);
            throw new ProtocolException(known ? ErrorCode.FORBIDDEN : ErrorCode.UNAUTHORIZED,
                    known ? "only the admin key (tandem.apiKey) manages API keys" : "unknown API key");
        }
    }

    /** Whether the request carries a valid API key (rather than, say, a join token). */
    public boolean accepts(String authorization, String apiKeyHeader) {
        String presented = presented(authorization, apiKeyHeader);
        return presented != null && (isAdmin(presented) || (store != null && store.contains(presented)));
    }

    /** The credential presented: {@code X-Api-Key}, else the bearer value of {@code Authorization}. */
    public static String presented(String authorization, String apiKeyHeader) {
        String presented = apiKeyHeader;
        if (presented == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = authorization.substring(7).trim();
        }
        return presented == null || presented.isEmpty() ? null : presented;
    }

    private static String requirePresented(String authorization, String apiKeyHeader) {
        String presented = presented(authorization, apiKeyHeader);
        if (presented == null) {
            throw new ProtocolException(ErrorCode.UNAUTHORIZED, "an API key is required (Authorization: Bearer <key>)");
        }
        return presented;
    }

    private boolean isAdmin(String presented) {
        return MessageDigest.isEqual(adminDigest, Secrets.sha256(presented));
    }
}

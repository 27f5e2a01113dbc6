package dev.tandem.api;

import dev.tandem.auth.ApiKeys;
import dev.tandem.auth.Principal;
import dev.tandem.boot.TandemRuntime;
import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.ProtocolException;

/** Who is calling a REST resource that both API-key holders and room owners may use. */
final class Callers {
    static final String API_KEY_CALLER = "api-key";

    private Callers() {
    }

    /**
     * An API key, or a join token of an owner of {@code room} (as {@code Authorization: Bearer}). Returns
     * {@value #API_KEY_CALLER} or the owner's identity.
     */
    static String requireApiKeyOrOwner(TandemRuntime runtime, String room, String authorization, String apiKeyHeader) {
        if (runtime.apiKeys().accepts(authorization, apiKeyHeader)) {
            return API_KEY_CALLER;
        }
        String presented = ApiKeys.presented(authorization, apiKeyHeader);
        if (presented == null || presented.chars().filter(c -> c == '.').count() != 2) {
            runtime.apiKeys().require(authorization, apiKeyHeader); // throws the API key's error
        }
        Principal principal = runtime.tokens().verify(presented);
        if (!principal.isOwnerOf(room)) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "only an owner of room " + room + " may do this");
        }
        return principal.identity();
    }
}

package dev.tandem.config;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Security settings and per-connection limits (part of {@link TandemConfig}, read the same way:
 * {@code tandem.<name>} or {@code TANDEM_<NAME>}). Each accessor documents its default.
 */
public record SecurityConfig(
        /** Signing keys by key id, {@code k1:secret1,k2:secret2} (secrets >= 32 bytes, no commas). Tokens signed by
         *  any listed key verify; {@code tandem.tokenKeyId} names the one that signs. Default none: only
         *  {@code tandem.tokenSecret} under {@code tandem.tokenKeyId}. */
        Map<String, String> tokenKeys,
        /** A {@code token_expiring} frame is sent this long before a connection's token expires. Default 60 s. */
        long tokenExpiryWarningSeconds,
        /** Live connections one identity may hold on this node ({@code limit_exceeded} above). Default 20. */
        int maxConnectionsPerIdentity,
        /** Sustained publishes per second per connection (token bucket refill). Default 100. */
        double publishRatePerSecond,
        /** Publishes a connection may burst above the rate before {@code rate_limited}. Default 200. */
        int publishBurst,
        /** Documents one room may hold ({@code limit_exceeded} when a writer opens one more; viewers' reads are not counted). Default 100. */
        int maxDocumentsPerRoom,
        /** Browser origins allowed to open WebSockets, e.g. {@code https://app.example.com}. Default none
         *  configured: same-origin browsers and clients without an Origin header. */
        List<String> allowedOrigins) {

    public SecurityConfig {
        tokenKeys = Map.copyOf(tokenKeys);
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    static SecurityConfig from(Function<String, String> raw) {
        TandemConfig.Reader r = new TandemConfig.Reader(raw);
        return new SecurityConfig(
                keys(r.string("tokenKeys", "")),
                r.longValue("tokenExpiryWarningSeconds", 60),
                r.intValue("maxConnectionsPerIdentity", 20),
                Double.parseDouble(r.string("publishRatePerSecond", "100")),
                r.intValue("publishBurst", 200),
                r.intValue("maxDocumentsPerRoom", 100),
                Arrays.stream(r.string("allowedOrigins", "").split(","))
                        .map(String::trim).filter(s -> !s.isEmpty()).toList());
    }

    public static SecurityConfig defaults() {
        return from(name -> null);
    }

    /** {@code k1:secret1,k2:secret2}; a secret may itself contain colons. */
    static Map<String, String> keys(String value) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String entry : value.split(",")) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int colon = trimmed.indexOf(':');
            if (colon <= 0 || colon == trimmed.length() - 1) {
                throw new IllegalArgumentException("tandem.tokenKeys: expected <keyId>:<secret>, got an entry without one");
            }
            keys.put(trimmed.substring(0, colon).trim(), trimmed.substring(colon + 1));
        }
        return keys;
    }
}

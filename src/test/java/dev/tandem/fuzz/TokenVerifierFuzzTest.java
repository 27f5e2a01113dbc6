package dev.tandem.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tandem.auth.Principal;
import dev.tandem.auth.Role;
import dev.tandem.auth.TokenKeys;
import dev.tandem.auth.TokenService;
import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Any string presented as a join token is refused with {@code unauthorized} (or {@code token_expired}),
 * never another exception, and only a token this service minted verifies. The input is raw bytes read as
 * UTF-8, so corpus files are plain tokens (see {@link FrameCodecFuzzTest}).
 */
class TokenVerifierFuzzTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final TokenService TOKENS = new TokenService(
            TokenKeys.single("k1", "fuzz-secret-0123456789abcdef0123456789"), Clock.fixed(NOW, ZoneOffset.UTC));
    private static final String VALID = TOKENS.mint(
            new Principal("alice", "Alice", List.of("r1"), Role.VIEWER, NOW.plusSeconds(60)));

    @FuzzTest(maxDuration = "15s")
    void verify(byte[] input) {
        String token = new String(input, StandardCharsets.UTF_8);
        try {
            Principal principal = TOKENS.verify(token);
            if (!token.equals(VALID) && !principal.identity().equals("alice")) {
                throw new AssertionError("a token this service never minted verified: " + token);
            }
        } catch (ProtocolException refused) {
            if (refused.code() != ErrorCode.UNAUTHORIZED && refused.code() != ErrorCode.TOKEN_EXPIRED) {
                throw new AssertionError("unexpected code " + refused.code());
            }
        }
    }
}

package dev.tandem.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenServiceTest {
    static final String SECRET_1 = "first-secret-0123456789abcdef0123456789";
    static final String SECRET_2 = "second-secret-0123456789abcdef012345678";
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final TokenService k1 = new TokenService(new TokenKeys(Map.of("k1", SECRET_1), "k1"), CLOCK);
    private final TokenService rotated = new TokenService(
            new TokenKeys(Map.of("k1", SECRET_1, "k2", SECRET_2), "k2"), CLOCK);

    private static Principal alice(Duration ttl) {
        return new Principal("alice", "Alice", List.of("r1"), Role.COLLABORATOR, NOW.plus(ttl));
    }

    private static ErrorCode refusal(TokenService service, String token) {
        return assertThrows(ProtocolException.class, () -> service.verify(token)).code();
    }

    private static String sign(JWSHeader header, JWTClaimsSet claims, String secret) throws Exception {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().issuer("tandem").subject("mallory").claim("rooms", List.of("r1"))
                .claim("role", "owner").expirationTime(Date.from(NOW.plusSeconds(60)));
    }

    @Test
    void aMintedTokenVerifiesWithEveryClaim() {
        Grants grants = new Grants(new NamePatterns(List.of("chat", "agent")), NamePatterns.ANY,
                new NamePatterns(List.of("search")), NamePatterns.NONE);
        Principal minted = new Principal("alice", "Alice", List.of("r1"), Role.VIEWER, NOW.plusSeconds(60),
                "https://img/alice.png", "#ff0000", grants, "link1");
        Principal verified = k1.verify(k1.mint(minted));
        assertEquals(minted, verified);
        assertFalse(verified.canPublish("r1", "chat"), "viewers never publish");
        assertFalse(verified.canCallTool("r1", "search"));
    }

    /** The token's exp has whole seconds: the expiry a minting call answers must be the token's, not up to 999 ms later. */
    @Test
    void aPrincipalsExpiryIsTheTokensWholeSecond() throws Exception {
        Principal minted = new Principal("alice", "Alice", List.of("r1"), Role.VIEWER, NOW.plusMillis(60_999));
        assertEquals(NOW.plusSeconds(60), minted.expiresAt());
        String token = k1.mint(minted);
        assertEquals(Date.from(NOW.plusSeconds(60)), SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime());
        assertEquals(minted.expiresAt(), k1.verify(token).expiresAt());
    }

    @Test
    void tokensOfEveryConfiguredKeyVerifySoKeysRotateWithoutDroppingClients() {
        String old = k1.mint(alice(Duration.ofMinutes(5)));
        assertEquals("alice", rotated.verify(old).identity());
        String fresh = rotated.mint(alice(Duration.ofMinutes(5)));
        assertTrue(fresh.startsWith(Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"kid\":\"k2\"".getBytes(StandardCharsets.UTF_8)).substring(0, 8)));
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(k1, fresh), "k1-only verifier does not know k2");
    }

    @Test
    void aForgedSignatureIsUnauthorized() throws Exception {
        String forged = sign(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(), claims().build(),
                "not-the-secret-0123456789abcdef0123456789");
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(k1, forged));
    }

    @Test
    void algNoneIsUnauthorized() {
        String none = new PlainJWT(new PlainHeader(), claims().build()).serialize();
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(k1, none));
        String[] parts = k1.mint(alice(Duration.ofMinutes(1))).split("\\.");
        String header = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"kid\":\"k1\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(k1, header + "." + parts[1] + "."));
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(k1, header + "." + parts[1] + "." + parts[2]));
    }

    @Test
    void otherAlgorithmsAreUnauthorizedEvenWithTheRightSecret() throws Exception {
        String hs512 = sign(new JWSHeader.Builder(JWSAlgorithm.HS512).keyID("k1").build(), claims().build(),
                SECRET_1 + SECRET_1);
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(k1, hs512));
    }

    @Test
    void anUnknownOrMissingKeyIdIsUnauthorized() throws Exception {
        assertEquals(ErrorCode.UNAUTHORIZED,
                refusal(k1, sign(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k9").build(), claims().build(), SECRET_1)));
        assertEquals(ErrorCode.UNAUTHORIZED,
                refusal(k1, sign(new JWSHeader.Builder(JWSAlgorithm.HS256).build(), claims().build(), SECRET_1)));
    }

    @Test
    void anExpiredTokenIsTokenExpired() {
        TokenService earlier = new TokenService(new TokenKeys(Map.of("k1", SECRET_1), "k1"),
                Clock.fixed(NOW.minusSeconds(120), ZoneOffset.UTC));
        String token = earlier.mint(new Principal("alice", "Alice", List.of("r1"), Role.OWNER, NOW.minusSeconds(60)));
        assertEquals(ErrorCode.TOKEN_EXPIRED, refusal(k1, token));
    }

    @Test
    void mistypedOrMissingClaimsAreUnauthorized() throws Exception {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build();
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(k1, sign(header, claims().claim("rooms", "r1").build(), SECRET_1)));
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(k1, sign(header, claims().claim("role", "god").build(), SECRET_1)));
        assertEquals(ErrorCode.UNAUTHORIZED,
                refusal(k1, sign(header, claims().claim("publish", List.of("../r2/*")).build(), SECRET_1)));
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(k1, sign(header, claims().issuer("evil").build(), SECRET_1)));
        assertEquals(ErrorCode.UNAUTHORIZED,
                refusal(k1, sign(header, claims().expirationTime(null).build(), SECRET_1)));
    }

    @Test
    void garbageIsUnauthorized() {
        for (String token : new String[] {null, "", "abc", "a.b.c", "....", "x".repeat(20_000), "eyJ.eyJ.sig"}) {
            assertEquals(ErrorCode.UNAUTHORIZED, refusal(k1, token));
        }
    }

    @Test
    void aTokenFromARevokedShareLinkIsForbidden() {
        Set<String> revoked = Set.of("gone");
        TokenService service = new TokenService(new TokenKeys(Map.of("k1", SECRET_1), "k1"), CLOCK, revoked::contains);
        Principal guest = new Principal("guest:bob", "Bob", List.of("r1"), Role.VIEWER, NOW.plusSeconds(60),
                null, null, null, "gone");
        assertEquals(ErrorCode.FORBIDDEN, refusal(service, service.mint(guest)));
    }

    @Test
    void channelPatternsMatchNamesOnly() {
        NamePatterns patterns = new NamePatterns(List.of("chat", "thread-*"));
        assertTrue(patterns.matches("chat"));
        assertTrue(patterns.matches("thread-42"));
        assertFalse(patterns.matches("chat2"));
        assertFalse(patterns.matches("agent"));
        assertThrows(IllegalArgumentException.class, () -> new NamePatterns(List.of("r2/chat")));
        assertThrows(IllegalArgumentException.class, () -> new NamePatterns(List.of("c*at")));
        assertThrows(IllegalArgumentException.class, () -> new NamePatterns(List.of("сhat"))); // Cyrillic с
        assertNull(NamePatterns.of(null, null));
    }

    @Test
    void keysShorterThan32BytesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new TokenKeys(Map.of("k1", "short"), "k1"));
        assertThrows(IllegalArgumentException.class, () -> new TokenKeys(Map.of("k1", SECRET_1), "k2"));
    }
}

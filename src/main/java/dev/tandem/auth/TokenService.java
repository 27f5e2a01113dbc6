package dev.tandem.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.ProtocolException;
import dev.tandem.protocol.TopicName;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Mints and verifies join tokens: HS256 JWTs (Nimbus JOSE+JWT). New tokens are signed with the active key
 * and name it in {@code kid}; any configured key verifies. Only HS256 with a known key id is accepted, so
 * {@code alg: none}, other algorithms and unknown keys are refused; a token minted from a revoked share
 * link is {@code forbidden}.
 */
public final class TokenService {
    static final String ISSUER = "tandem";
    /** Far above any honest token; keeps parsing of hostile input bounded. */
    static final int MAX_TOKEN_CHARS = 16 * 1024;

    private final TokenKeys keys;
    private final Clock clock;
    private final Predicate<String> linkRevoked;

    public TokenService(TokenKeys keys, Clock clock, Predicate<String> linkRevoked) {
        this.keys = keys;
        this.clock = clock;
        this.linkRevoked = linkRevoked;
    }

    public TokenService(TokenKeys keys, Clock clock) {
        this(keys, clock, link -> false);
    }

    public String mint(Principal principal) {
        for (String room : principal.rooms()) {
            if (!TopicName.isValidName(room)) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "room must match [A-Za-z0-9_-]{1,64}: " + room);
            }
        }
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(principal.identity())
                .claim("name", principal.name())
                .claim("rooms", principal.rooms())
                .claim("role", principal.role().wire())
                .issueTime(Date.from(clock.instant()))
                .expirationTime(Date.from(principal.expiresAt()));
        optional(claims, "avatar", principal.avatar());
        optional(claims, "color", principal.color());
        optional(claims, "link", principal.linkId());
        Grants grants = principal.grants();
        if (!grants.publish().isAny()) {
            claims.claim("publish", grants.publish().patterns());
        }
        if (!grants.subscribe().isAny()) {
            claims.claim("subscribe", grants.subscribe().patterns());
        }
        if (!grants.provideTools().isAny() || !grants.callTools().isAny()) {
            Map<String, Object> tools = new LinkedHashMap<>();
            tools.put("provide", grants.provideTools().patterns());
            tools.put("call", grants.callTools().patterns());
            claims.claim("tools", tools);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(keys.activeId()).build(),
                claims.build());
        try {
            jwt.sign(new MACSigner(keys.active()));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign token", e);
        }
        return jwt.serialize();
    }

    public Principal mint(String identity, String name, List<String> rooms, Role role, Duration ttl) {
        return new Principal(identity, name, rooms, role, clock.instant().plus(ttl));
    }

    /** Verifies algorithm, key id, signature, issuer, expiry and claim types; then the share link, if any. */
    public Principal verify(String token) {
        if (token == null || token.isBlank()) {
            throw unauthorized("a join token is required");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw unauthorized("token too long");
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException | RuntimeException e) {
            throw unauthorized("malformed token");
        }
        JWSHeader header = jwt.getHeader();
        if (!JWSAlgorithm.HS256.equals(header.getAlgorithm())) {
            throw unauthorized("token algorithm not accepted");
        }
        byte[] secret = keys.secret(header.getKeyID());
        if (secret == null) {
            throw unauthorized("unknown token key id");
        }
        Principal principal;
        try {
            if (!jwt.verify(new MACVerifier(secret))) {
                throw unauthorized("bad token signature");
            }
            principal = principal(jwt.getJWTClaimsSet());
        } catch (JOSEException | ParseException | IllegalArgumentException | ClassCastException e) {
            throw unauthorized("invalid token: " + e.getMessage());
        }
        if (principal.linkId() != null && linkRevoked.test(principal.linkId())) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "the share link of this token was revoked");
        }
        return principal;
    }

    private Principal principal(JWTClaimsSet claims) throws ParseException {
        Date expiry = claims.getExpirationTime();
        String subject = claims.getSubject();
        if (!ISSUER.equals(claims.getIssuer()) || subject == null || subject.isBlank() || expiry == null) {
            throw unauthorized("token lacks issuer, subject or expiry");
        }
        if (!expiry.toInstant().isAfter(clock.instant())) {
            throw new ProtocolException(ErrorCode.TOKEN_EXPIRED, "token expired at " + expiry.toInstant());
        }
        List<String> rooms = claims.getStringListClaim("rooms");
        String name = claims.getStringClaim("name");
        Map<String, Object> tools = claims.getJSONObjectClaim("tools");
        Grants grants = new Grants(
                NamePatterns.of(claims.getStringListClaim("publish"), NamePatterns.ANY),
                NamePatterns.of(claims.getStringListClaim("subscribe"), NamePatterns.ANY),
                tools == null ? NamePatterns.ANY : NamePatterns.of(strings(tools.get("provide")), NamePatterns.NONE),
                tools == null ? NamePatterns.ANY : NamePatterns.of(strings(tools.get("call")), NamePatterns.NONE));
        return new Principal(subject, name == null ? subject : name, rooms == null ? List.of() : rooms,
                Role.parse(claims.getStringClaim("role")), expiry.toInstant(), claims.getStringClaim("avatar"),
                claims.getStringClaim("color"), grants, claims.getStringClaim("link"));
    }

    private static List<String> strings(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof List<?> list) || list.stream().anyMatch(item -> !(item instanceof String))) {
            throw new IllegalArgumentException("tools.provide and tools.call must be lists of strings");
        }
        return list.stream().map(String.class::cast).toList();
    }

    private static void optional(JWTClaimsSet.Builder claims, String name, String value) {
        if (value != null) {
            claims.claim(name, value);
        }
    }

    private static ProtocolException unauthorized(String message) {
        return new ProtocolException(ErrorCode.UNAUTHORIZED, message);
    }

    public Instant now() {
        return clock.instant();
    }
}

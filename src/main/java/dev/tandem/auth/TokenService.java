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
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * Mints and verifies join tokens: HS256 JWTs (Nimbus JOSE+JWT) with a key id, the rooms, identity,
 * display name and role. Only HS256 with the configured key id is accepted, so {@code alg: none},
 * other algorithms and unknown keys are refused.
 */
public final class TokenService {
    static final String ISSUER = "tandem";
    private static final int MIN_SECRET_BYTES = 32;

    private final byte[] secret;
    private final String keyId;
    private final Clock clock;

    public TokenService(byte[] secret, String keyId, Clock clock) {
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("tandem.tokenSecret must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        this.secret = secret.clone();
        this.keyId = keyId;
        this.clock = clock;
    }

    public static TokenService fromSecret(String secret, String keyId, Clock clock) {
        return new TokenService(secret.getBytes(StandardCharsets.UTF_8), keyId, clock);
    }

    public String mint(Principal principal) {
        for (String room : principal.rooms()) {
            if (!TopicName.isValidName(room)) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "room must match [A-Za-z0-9_-]{1,64}: " + room);
            }
        }
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(principal.identity())
                .claim("name", principal.name())
                .claim("rooms", principal.rooms())
                .claim("role", principal.role().wire())
                .issueTime(Date.from(clock.instant()))
                .expirationTime(Date.from(principal.expiresAt()))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(keyId).build(), claims);
        try {
            jwt.sign(new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign token", e);
        }
        return jwt.serialize();
    }

    public Principal mint(String identity, String name, List<String> rooms, Role role, Duration ttl) {
        return new Principal(identity, name, rooms, role, clock.instant().plus(ttl));
    }

    /** Verifies signature, algorithm, key id, issuer and expiry. */
    public Principal verify(String token) {
        if (token == null || token.isBlank()) {
            throw new ProtocolException(ErrorCode.UNAUTHORIZED, "a join token is required");
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new ProtocolException(ErrorCode.UNAUTHORIZED, "malformed token");
        }
        JWSHeader header = jwt.getHeader();
        if (!JWSAlgorithm.HS256.equals(header.getAlgorithm())) {
            throw new ProtocolException(ErrorCode.UNAUTHORIZED, "token algorithm not accepted");
        }
        if (!keyId.equals(header.getKeyID())) {
            throw new ProtocolException(ErrorCode.UNAUTHORIZED, "unknown token key id");
        }
        try {
            if (!jwt.verify(new MACVerifier(secret))) {
                throw new ProtocolException(ErrorCode.UNAUTHORIZED, "bad token signature");
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Date expiry = claims.getExpirationTime();
            if (!ISSUER.equals(claims.getIssuer()) || claims.getSubject() == null || expiry == null) {
                throw new ProtocolException(ErrorCode.UNAUTHORIZED, "token lacks issuer, subject or expiry");
            }
            if (!expiry.toInstant().isAfter(clock.instant())) {
                throw new ProtocolException(ErrorCode.TOKEN_EXPIRED, "token expired at " + expiry.toInstant());
            }
            List<String> rooms = claims.getStringListClaim("rooms");
            String name = claims.getStringClaim("name");
            return new Principal(claims.getSubject(), name == null ? claims.getSubject() : name,
                    rooms == null ? List.of() : rooms, Role.parse(claims.getStringClaim("role")),
                    expiry.toInstant());
        } catch (JOSEException | ParseException | IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.UNAUTHORIZED, "invalid token: " + e.getMessage());
        }
    }

    public Instant now() {
        return clock.instant();
    }
}

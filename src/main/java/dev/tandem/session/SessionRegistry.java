package dev.tandem.session;

import dev.tandem.auth.Principal;
import dev.tandem.auth.TokenService;
import dev.tandem.docs.DocumentHost;
import dev.tandem.hub.Hub;
import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.FrameCodec;
import dev.tandem.protocol.Frames;
import dev.tandem.protocol.ProtocolException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The sessions of this node: opens them from verified tokens, resumes them by position, expires them
 * when they stay without a connection for the TTL, and sends heartbeats.
 */
public final class SessionRegistry {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SessionSettings settings;
    private final Hub hub;
    private final DocumentHost docs;
    private final FrameCodec codec;
    private final TokenService tokens;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final Map<String, ClientSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> expiries = new ConcurrentHashMap<>();
    private final ScheduledFuture<?> heartbeats;
    private final ScheduledFuture<?> tokenExpiries;
    private final DocumentQuota documentQuota;

    public SessionRegistry(SessionSettings settings, Hub hub, DocumentHost docs, FrameCodec codec, TokenService tokens,
                           ScheduledExecutorService timer, Clock clock, DocumentQuota documentQuota) {
        this.settings = settings;
        this.hub = hub;
        this.docs = docs;
        this.codec = codec;
        this.tokens = tokens;
        this.timer = timer;
        this.clock = clock;
        long period = settings.heartbeat().toMillis();
        this.heartbeats = timer.scheduleAtFixedRate(this::sendHeartbeats, period, period, TimeUnit.MILLISECONDS);
        this.documentQuota = documentQuota;
        TokenExpiry expiry = new TokenExpiry(clock, Duration.ofSeconds(settings.security().tokenExpiryWarningSeconds()),
                (session, code) -> end(session, code, "token expired: refresh it before expiresAt"));
        // Every 100 ms: a token_expiring or token_expired goes out at most that long after its moment.
        this.tokenExpiries = timer.scheduleWithFixedDelay(() -> expiry.sweep(sessions.values()), 100, 100, TimeUnit.MILLISECONDS);
    }

    public SessionSettings settings() {
        return settings;
    }

    public FrameCodec codec() {
        return codec;
    }

    DocumentQuota documentQuota() {
        return documentQuota;
    }

    /** Verifies a join token (connect, refresh): signature, expiry, share link. */
    Principal verify(String token) {
        return tokens.verify(token);
    }

    /** Ends, with {@code bye forbidden}, every session whose token came from the revoked share link. */
    public void endLinkSessions(String linkId) {
        sessions.values().stream().filter(session -> linkId.equals(session.principal().linkId()))
                .forEach(session -> end(session, ErrorCode.FORBIDDEN, "the share link was revoked"));
    }

    private void end(ClientSession session, ErrorCode code, String message) {
        if (sessions.remove(session.id(), session)) {
            cancelExpiry(session.id());
            session.end(code, message);
        }
    }

    /**
     * Verifies {@code token} and attaches {@code connection} to a session: the one named by
     * {@code resume} ({@code <session>:<position>}) when it is still retained and belongs to the same
     * identity and the new token still grants every topic and document it is subscribed to, else a new
     * one (the client then subscribes again, and is refused what the token no longer grants). Throws a
     * {@link dev.tandem.protocol.ProtocolException} for a bad token.
     */
    public ClientSession open(String token, String resume, Connection connection, String requestId) {
        return open(token, resume, connection, requestId, null);
    }

    /**
     * As {@link #open(String, String, Connection, String)}; a new session writes nothing to the connection
     * before {@code notBefore} completes (the replies the transport sent before the session existed).
     */
    public ClientSession open(String token, String resume, Connection connection, String requestId,
                              CompletionStage<?> notBefore) {
        Principal principal = tokens.verify(token);
        ResumePoint point = ResumePoint.parse(resume);
        if (point != null) {
            ClientSession existing = sessions.get(point.sessionId());
            if (existing != null && existing.identity().equals(principal.identity()) && existing.grantedBy(principal)) {
                cancelExpiry(existing.id());
                connection.authenticated(principal);
                existing.resume(connection, point.position(), principal, welcome(requestId, existing, principal, true));
                return existing;
            }
        }
        requireConnectionAllowed(principal.identity());
        connection.authenticated(principal);
        ClientSession session = new ClientSession(newSessionId(), principal, this, hub, docs, codec, settings);
        sessions.put(session.id(), session);
        session.attachNew(connection, welcome(requestId, session, principal, false), notBefore);
        return session;
    }

    private void requireConnectionAllowed(String identity) {
        int max = settings.security().maxConnectionsPerIdentity();
        long live = sessions.values().stream().filter(s -> s.attached() && s.identity().equals(identity)).count();
        if (live >= max) {
            throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "identity " + identity + " already has " + max
                    + " connections");
        }
    }

    /** Runs {@code action} after the grace period given to a connection to take its last frame. */
    void afterGrace(Runnable action) {
        timer.schedule(action, 2, TimeUnit.SECONDS);
    }

    public ClientSession find(String sessionId) {
        return sessionId == null ? null : sessions.get(sessionId);
    }

    public int size() {
        return sessions.size();
    }

    /** A session lost its connection: it is kept for the TTL, then ended. */
    void detached(ClientSession session) {
        ScheduledFuture<?> expiry = timer.schedule(() -> expire(session), settings.ttl().toMillis(), TimeUnit.MILLISECONDS);
        ScheduledFuture<?> previous = expiries.put(session.id(), expiry);
        if (previous != null) {
            previous.cancel(false);
        }
    }

    private void expire(ClientSession session) {
        if (!session.attached() && sessions.remove(session.id(), session)) {
            expiries.remove(session.id());
            session.end(ErrorCode.SESSION_EXPIRED, "session expired");
        } else if (!sessions.containsKey(session.id())) {
            expiries.remove(session.id());
        }
    }

    private void cancelExpiry(String sessionId) {
        ScheduledFuture<?> expiry = expiries.remove(sessionId);
        if (expiry != null) {
            expiry.cancel(false);
        }
    }

    private Frames.Welcome welcome(String requestId, ClientSession session, Principal principal, boolean resumed) {
        return new Frames.Welcome(requestId, session.id(), principal.identity(), principal.name(), principal.rooms(),
                principal.role().wire(), resumed, settings.heartbeat().toMillis(), (long) codec.maxFrameBytes(),
                (long) codec.maxDocumentFrameBytes(), (long) settings.maxFramesPerPost(), principal.expiresAt().toEpochMilli());
    }

    private void sendHeartbeats() {
        Frames.Ping ping = new Frames.Ping(null, clock.millis());
        sessions.values().forEach(session -> session.heartbeat(ping));
    }

    /** Ends every session (undeploy, shutdown): clients are told to reconnect. */
    public void shutdown() {
        heartbeats.cancel(false);
        tokenExpiries.cancel(false);
        sessions.values().forEach(session -> session.end(ErrorCode.SHUTDOWN, "server shutting down"));
        sessions.clear();
        expiries.values().forEach(expiry -> expiry.cancel(false));
        expiries.clear();
    }

    private static String newSessionId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** {@code <session>:<position>}: the SSE event id and the {@code resume} of a hello frame. */
    public record ResumePoint(String sessionId, long position) {
        public static ResumePoint parse(String value) {
            if (value == null) {
                return null;
            }
            int colon = value.lastIndexOf(':');
            if (colon <= 0) {
                return null;
            }
            try {
                long position = Long.parseLong(value.substring(colon + 1));
                return position < 0 ? null : new ResumePoint(value.substring(0, colon), position);
            } catch (NumberFormatException e) {
                return null;
            }
        }

        public static String format(String sessionId, long position) {
            return sessionId + ":" + position;
        }
    }
}

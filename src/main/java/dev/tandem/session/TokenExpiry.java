package dev.tandem.session;

import dev.tandem.protocol.ErrorCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.function.BiConsumer;

/**
 * Watches the tokens of live sessions: {@code token_expiring} once, {@code warnAhead} before expiry, then
 * {@code bye token_expired} at expiry. A {@code refresh} moves the expiry and re-arms the warning.
 */
final class TokenExpiry {
    private final Clock clock;
    private final Duration warnAhead;
    private final BiConsumer<ClientSession, ErrorCode> end;

    TokenExpiry(Clock clock, Duration warnAhead, BiConsumer<ClientSession, ErrorCode> end) {
        this.clock = clock;
        this.warnAhead = warnAhead;
        this.end = end;
    }

    void sweep(Collection<ClientSession> sessions) {
        Instant now = clock.instant();
        for (ClientSession session : sessions) {
            Instant expiresAt = session.principal().expiresAt();
            if (!now.isBefore(expiresAt)) {
                end.accept(session, ErrorCode.TOKEN_EXPIRED);
            } else if (!now.isBefore(expiresAt.minus(warnAhead))) {
                session.warnTokenExpiring();
            }
        }
    }
}

package dev.tandem.session;

import dev.tandem.config.SecurityConfig;
import dev.tandem.config.TandemConfig;
import java.time.Duration;
import java.util.concurrent.Executor;

/** The limits and threads every session of this node shares. */
public record SessionSettings(int outboxMaxFrames, long outboxMaxBytes, int replayFrames, int maxSubscriptions,
                              Duration ttl, Duration heartbeat, Executor writer,
                              SecurityConfig security) {

    public static SessionSettings from(TandemConfig config, Executor writer) {
        return new SessionSettings(config.outboxMaxFrames(), config.outboxMaxBytes(), config.replayFrames(),
                config.maxSubscriptions(), Duration.ofSeconds(config.sessionTtlSeconds()),
                Duration.ofSeconds(config.heartbeatSeconds()), writer, config.security());
    }
}

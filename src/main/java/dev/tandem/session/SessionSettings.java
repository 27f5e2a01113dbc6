package dev.tandem.session;

import dev.tandem.config.SecurityConfig;
import dev.tandem.config.TandemConfig;
import java.time.Duration;
import dev.tandem.hub.WriterPool;

/** The limits and threads every session of this node shares. */
public record SessionSettings(int outboxMaxFrames, long outboxMaxBytes, int replayFrames, int maxSubscriptions,
                              Duration ttl, Duration heartbeat, WriterPool writer,
                              SecurityConfig security) {

    public static SessionSettings from(TandemConfig config, WriterPool writer) {
        return new SessionSettings(config.outboxMaxFrames(), config.outboxMaxBytes(), config.replayFrames(),
                config.maxSubscriptions(), Duration.ofSeconds(config.sessionTtlSeconds()),
                Duration.ofSeconds(config.heartbeatSeconds()), writer, config.security());
    }

    /**
     * The most frames one SSE upstream body may carry: a quarter of the outbox, so that the replies to one
     * body cannot overflow it on their own (and end the session with requests accepted but never answered).
     */
    public int maxFramesPerPost() {
        return Math.max(1, outboxMaxFrames / 4);
    }
}

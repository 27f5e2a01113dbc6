package dev.tandem.boot;

import dev.tandem.auth.ApiKeyStore;
import dev.tandem.auth.ApiKeys;
import dev.tandem.auth.ShareLinks;
import dev.tandem.auth.TokenKeys;
import dev.tandem.auth.TokenService;
import dev.tandem.config.TandemConfig;
import dev.tandem.docs.DocumentHost;
import dev.tandem.docs.DocumentHostConfig;
import dev.tandem.store.JdbcDocumentStore;
import dev.tandem.store.Migrations;
import java.time.Duration;
import javax.sql.DataSource;
import dev.tandem.hub.Hub;
import dev.tandem.hub.WriterPool;
import dev.tandem.protocol.FrameCodec;
import dev.tandem.session.DocumentQuota;
import dev.tandem.session.SessionRegistry;
import dev.tandem.session.SessionSettings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Builds Tandem's parts once per deployment from {@link TandemConfig} and shuts them down on
 * undeploy. Transports and REST resources get the parts from here.
 */
@ApplicationScoped
public class TandemRuntime {
    private static final Logger LOG = Logger.getLogger(TandemRuntime.class.getName());
    /** How often the hub checks whether idle topics must go (see {@link Hub#letGoOfIdleTopics}). */
    private static final long TOPIC_SWEEP_SECONDS = 5;

    private TandemConfig config;
    private FrameCodec codec;
    private Hub hub;
    private TokenService tokens;
    private ApiKeys apiKeys;
    private ShareLinks shareLinks;
    private SessionRegistry sessions;
    private DocumentHost documents;
    private DataSource dataSource;
    private ExecutorService writer;
    private ScheduledExecutorService timer;

    @PostConstruct
    void start() {
        config = TandemConfig.fromEnvironment();
        Clock clock = Clock.systemUTC();
        codec = new FrameCodec(config.maxFrameBytes(), config.maxDocumentFrameBytes());
        writer = Executors.newFixedThreadPool(config.effectiveWriterThreads(), daemonThreads("tandem-writer"));
        WriterPool writers = new WriterPool(writer, config.effectiveWriterThreads());
        hub = new Hub(config, codec, clock, writers);
        timer = Executors.newSingleThreadScheduledExecutor(daemonThreads("tandem-timer"));
        timer.scheduleWithFixedDelay(this::letGoOfIdleTopics, TOPIC_SWEEP_SECONDS, TOPIC_SWEEP_SECONDS, TimeUnit.SECONDS);
        dataSource = Databases.dataSource(config);
        Migrations.migrate(dataSource);
        shareLinks = new ShareLinks(dataSource, clock);
        tokens = new TokenService(TokenKeys.fromConfig(config, tokenSecret(config)), clock, shareLinks::isRevoked);
        apiKeys = new ApiKeys(apiKey(config), new ApiKeyStore(dataSource, clock));
        JdbcDocumentStore store = new JdbcDocumentStore(dataSource);
        documents = new DocumentHost(store, DocumentHostConfig.defaults()
                .withCompactEvery(config.docsCompactEvery())
                .withMaxLoaded(config.docsMaxLoaded())
                .withIdleEviction(Duration.ofSeconds(config.docsIdleSeconds()))
                .withSyncWindow(Duration.ofMillis(config.docsSyncWindowMs())));
        sessions = new SessionRegistry(SessionSettings.from(config, writers), hub, documents, codec, tokens, timer,
                clock, new DocumentQuota(config.security().maxDocumentsPerRoom(), store::storedInRoom, store::isStored,
                        documents::isLoaded, clock));
        LOG.info(() -> "Tandem started: history " + config.historySize() + ", outbox " + config.outboxMaxFrames()
                + " frames / " + config.outboxMaxBytes() + " bytes, session TTL " + config.sessionTtlSeconds() + " s");
    }

    private void letGoOfIdleTopics() {
        try {
            int dropped = hub.letGoOfIdleTopics();
            if (dropped > 0) {
                LOG.fine(() -> "history.totalMaxBytes reached: let go of " + dropped + " idle topics, "
                        + hub.topicCount() + " left");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "letting go of idle topics failed", e);
        }
    }

    /** Creates the runtime when the application starts rather than on the first request. */
    void eagerStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        hub();
    }

    @PreDestroy
    void stop() {
        sessions.shutdown();
        documents.close();
        Databases.close(dataSource);
        timer.shutdownNow();
        writer.shutdown();
        try {
            writer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.shutdownNow();
        try {
            codec.close();
        } catch (Exception e) {
            LOG.fine(() -> "closing codec: " + e);
        }
    }

    public TandemConfig config() {
        return config;
    }

    public FrameCodec codec() {
        return codec;
    }

    public Hub hub() {
        return hub;
    }

    public TokenService tokens() {
        return tokens;
    }

    public ApiKeys apiKeys() {
        return apiKeys;
    }

    public ShareLinks shareLinks() {
        return shareLinks;
    }

    public DocumentHost documents() {
        return documents;
    }

    public SessionRegistry sessions() {
        return sessions;
    }

    private static String apiKey(TandemConfig config) {
        if (config.apiKey() != null) {
            return config.apiKey();
        }
        String generated = randomHex(24);
        LOG.warning("No tandem.apiKey / TANDEM_API_KEY configured; generated API key for this run: " + generated);
        return generated;
    }

    private static String tokenSecret(TandemConfig config) {
        if (config.tokenSecret() == null && config.security().tokenKeys().containsKey(config.tokenKeyId())) {
            return null;
        }
        if (config.tokenSecret() != null) {
            if (config.tokenSecret().getBytes(StandardCharsets.UTF_8).length < 32) {
                throw new IllegalStateException("tandem.tokenSecret must be at least 32 bytes");
            }
            return config.tokenSecret();
        }
        LOG.warning("No tandem.tokenSecret / TANDEM_TOKEN_SECRET configured; join tokens are valid until restart only");
        return randomHex(32);
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}

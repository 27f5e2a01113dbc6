package dev.tandem.session;

import dev.tandem.auth.Role;
import dev.tandem.auth.TokenKeys;
import dev.tandem.auth.TokenService;
import dev.tandem.config.TandemConfig;
import dev.tandem.docs.DocumentHost;
import dev.tandem.hub.Hub;
import dev.tandem.hub.WriterPool;
import dev.tandem.protocol.FrameCodec;
import dev.tandem.store.InMemoryDocumentStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** A session registry with its real collaborators (hub, documents, tokens), for session tests. */
final class SessionFixture implements AutoCloseable {
    final FrameCodec codec = new FrameCodec(65536);
    final TandemConfig config;
    final Hub hub;
    final TokenService tokens = new TokenService(
            new TokenKeys(Map.of("k1", "0123456789abcdef0123456789abcdef-test"), "k1"), Clock.systemUTC());
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    final InMemoryDocumentStore store = new InMemoryDocumentStore();
    final DocumentHost docs = new DocumentHost(store);
    final SessionRegistry registry;

    SessionFixture(TandemConfig config) {
        this.config = config;
        this.hub = new Hub(config, codec, Clock.systemUTC());
        this.registry = registry(config);
    }

    /** Another registry over the same hub, documents and tokens (e.g. with other limits). */
    SessionRegistry registry(TandemConfig settings) {
        return registry(SessionSettings.from(settings, WriterPool.direct()));
    }

    SessionRegistry registry(SessionSettings settings) {
        return new SessionRegistry(settings, hub, docs, codec, tokens, timer, Clock.systemUTC(),
                new DocumentQuota(config.security().maxDocumentsPerRoom(), room -> Set.of(), doc -> false));
    }

    /** A token for {@code identity} in room {@code r1} with {@code role}, valid for five minutes. */
    String token(String identity, Role role) {
        return tokens.mint(tokens.mint(identity, identity, List.of("r1"), role, Duration.ofMinutes(5)));
    }

    /** A session of {@code identity} in room {@code r1} on {@code connection}. */
    ClientSession open(FakeConnection connection, String identity, Role role) {
        return registry.open(token(identity, role), null, connection, null);
    }

    @Override
    public void close() {
        registry.shutdown();
        timer.shutdownNow();
        docs.close();
    }
}

package dev.tandem.hub;

import dev.tandem.config.TandemConfig;
import dev.tandem.protocol.FrameCodec;
import dev.tandem.protocol.Frames;
import dev.tandem.protocol.TopicName;
import jakarta.json.JsonValue;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** All topics of this node. Topics are created on first use with a fresh epoch. Thread-safe. */
public final class Hub {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TandemConfig config;
    private final FrameCodec codec;
    private final Clock clock;
    private final WriterPool writers;
    private final ConcurrentMap<TopicName, Topic> topics = new ConcurrentHashMap<>();
    private final HistoryRing.Budget historyBudget;

    /** A hub whose subscribers' write chains start on the calling thread, once each publish is done. */
    public Hub(TandemConfig config, FrameCodec codec, Clock clock) {
        this(config, codec, clock, WriterPool.direct());
    }

    /** {@code writers}: the executor the subscribers' outboxes start their writes on; a publish batches them. */
    public Hub(TandemConfig config, FrameCodec codec, Clock clock, WriterPool writers) {
        this.config = config;
        this.codec = codec;
        this.clock = clock;
        this.writers = writers;
        this.historyBudget = new HistoryRing.Budget(config.historyTotalMaxBytes());
    }

    /**
     * Appends an event and fans it out; {@code to} limits full delivery to those identities (null: everybody).
     * The writes it starts are handed to the writers together, after the topic's lock is released.
     */
    public Frames.Position publish(TopicName name, JsonValue data, String from, Set<String> to) {
        Topic topic = topic(name);
        Set<String> recipients = to == null ? null : Set.copyOf(to);
        return writers.batched(() -> topic.publish(data, from, recipients, clock.millis()));
    }

    public SubscribeOutcome subscribe(TopicName name, Subscriber subscriber, Frames.Position since, String requestId) {
        return topic(name).subscribe(subscriber, since, requestId);
    }

    /** For a subscriber catching up in {@code name} (see {@link Subscriber}): queues what it has room for now. */
    public void catchUp(TopicName name, Subscriber subscriber) {
        Topic topic = topics.get(name);
        if (topic != null) {
            writers.batched(() -> {
                topic.catchUp(subscriber);
                return null;
            });
        }
    }

    /** How many of the topic's subscribers are catching up from its history. */
    public int catchingUpCount(TopicName name) {
        Topic topic = topics.get(name);
        return topic == null ? 0 : topic.catchingUpCount();
    }

    public void unsubscribe(TopicName name, String subscriberKey) {
        Topic topic = topics.get(name);
        if (topic != null) {
            topic.unsubscribe(subscriberKey);
        }
    }

    public HistoryPage history(TopicName name, long sinceSeq, int limit) {
        return topic(name).history(sinceSeq, limit);
    }

    public int subscriberCount(TopicName name) {
        Topic topic = topics.get(name);
        return topic == null ? 0 : topic.subscriberCount();
    }

    public int topicCount() {
        return topics.size();
    }

    public ChannelKind kindOf(String channel) {
        return config.stateChannels().contains(channel) ? ChannelKind.STATE : ChannelKind.LOG;
    }

    private Topic topic(TopicName name) {
        return topics.computeIfAbsent(name, n -> new Topic(n, newEpoch(), kindOf(n.channel()),
                new HistoryRing(config.historySizeFor(n.channel()), config.historyRetainSeconds() * 1000,
                        config.historyMaxBytes(), historyBudget), config.snapshotEvents(), codec));
    }

    private static String newEpoch() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}

package dev.tandem.hub;

import dev.tandem.config.TandemConfig;
import dev.tandem.protocol.FrameCodec;
import dev.tandem.protocol.Frames;
import dev.tandem.protocol.TopicName;
import jakarta.json.JsonValue;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * All topics of this node. Topics are created on first use with a fresh epoch. Thread-safe.
 *
 * <p>Memory is bounded by {@code history.totalMaxBytes}: past it, histories first keep only their newest
 * {@code history.size} events (see {@link HistoryRing}), and {@link #letGoOfIdleTopics} drops whole topics
 * that nobody is subscribed to and nobody used for longer than the session TTL (a session whose connection
 * dropped leaves its topics and re-subscribes when it resumes, within that TTL), least recently used first.
 * A topic that comes back is new: a fresh epoch, so a client resuming it gets {@code reset}
 * ({@code epoch_changed}) and a snapshot, as after a restart.
 */
public final class Hub {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** What a topic costs besides its history: the topic, its name, epoch, lock, maps and ring, the map entry
     *  (about 0.6 KB measured, {@code bench/probes/TopicChurn}; rounded up so the bound errs on the safe side). */
    static final long TOPIC_OVERHEAD_BYTES = 1024;
    /** Letting go stops once the total is back under this share of the budget, so it does not run on every sweep. */
    private static final double LOW_WATER = 0.9;

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
        Set<String> recipients = to == null ? null : Set.copyOf(to);
        return writers.batched(() -> onLiveTopic(name, topic -> topic.publish(data, from, recipients, clock.millis())));
    }

    public SubscribeOutcome subscribe(TopicName name, Subscriber subscriber, Frames.Position since, String requestId) {
        return onLiveTopic(name, topic -> topic.subscribe(subscriber, since, requestId, clock.millis()));
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
            topic.unsubscribe(subscriberKey, clock.millis());
        }
    }

    public HistoryPage history(TopicName name, long sinceSeq, int limit) {
        return onLiveTopic(name, topic -> topic.history(sinceSeq, limit));
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

    /**
     * When the topics weigh more than {@code history.totalMaxBytes}, drops idle ones (no subscriber, unused for
     * longer than the session TTL), least recently used first, until they weigh less than 90% of it or no idle
     * topic is left. Returns how many it dropped. Run periodically by the runtime.
     */
    public int letGoOfIdleTopics() {
        long limit = config.historyTotalMaxBytes();
        long total = weight();
        if (total <= limit) {
            return 0;
        }
        long usedBefore = clock.millis() - config.sessionTtlSeconds() * 1000;
        List<Candidate> idle = new ArrayList<>();
        for (Topic topic : topics.values()) {
            long used = topic.lastUsedMillis(); // read once: publishes move it while we sort
            if (used < usedBefore && topic.isIdle()) {
                idle.add(new Candidate(topic, used));
            }
        }
        idle.sort(Comparator.comparingLong(Candidate::lastUsedMillis));
        long target = (long) (limit * LOW_WATER);
        int dropped = 0;
        for (Candidate candidate : idle) {
            if (total <= target) {
                break;
            }
            Topic topic = candidate.topic();
            long topicWeight = topic.historyBytes() + TOPIC_OVERHEAD_BYTES;
            if (topic.retireIfIdle(usedBefore, () -> topics.remove(topic.name(), topic))) {
                total -= topicWeight;
                dropped++;
            }
        }
        return dropped;
    }

    private record Candidate(Topic topic, long lastUsedMillis) {
    }

    /** What all topics weigh, roughly, in bytes: their histories and their own overhead. */
    public long weight() {
        return historyBudget.used() + topics.size() * TOPIC_OVERHEAD_BYTES;
    }

    /** Runs {@code action} on the topic, again on a new one if it was retired meanwhile (then it returns null). */
    private <T> T onLiveTopic(TopicName name, Function<Topic, T> action) {
        while (true) {
            T result = action.apply(topic(name));
            if (result != null) {
                return result;
            }
        }
    }

    private Topic topic(TopicName name) {
        return topics.computeIfAbsent(name, n -> new Topic(n, newEpoch(), kindOf(n.channel()),
                new HistoryRing(config.historySizeFor(n.channel()), config.historyRetainSeconds() * 1000,
                        config.historyMaxBytes(), historyBudget), config.snapshotEvents(), codec, clock.millis()));
    }

    private static String newEpoch() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}

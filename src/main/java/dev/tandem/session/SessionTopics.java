package dev.tandem.session;

import dev.tandem.auth.Principal;
import dev.tandem.hub.Hub;
import dev.tandem.hub.Outgoing;
import dev.tandem.hub.Subscriber;
import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.Frames;
import dev.tandem.protocol.ProtocolException;
import dev.tandem.protocol.TopicName;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The topics one session is subscribed to, and where it stands in each: the last event queued to it. The
 * session leaves the hub's topics while it has no connection and re-subscribes from those positions on a
 * resume; the positions outlive the hub subscriptions.
 */
final class SessionTopics {
    private final Subscriber session;
    private final Hub hub;
    /** Topic → where the session stands in it. */
    private final Map<String, Cursor> subscribed = new ConcurrentHashMap<>();
    /**
     * Held by {@link #subscribe} and {@link #unsubscribe} across the hub call and the map update, so two
     * racing requests (two SSE POSTs) leave the hub and {@link #subscribed} agreeing. Taken before a topic's
     * lock, never while one is held.
     */
    private final Object membership = new Object();

    /**
     * The last event queued for one topic, or none since subscribing (position unknown). Updated on every
     * delivery, so it costs one field write, not a new position object and a map update per subscriber per
     * publish (bench/PROFILING.md, "Payara WebSocket, session 10"). The event is kept whole, so its epoch
     * and seq are always read together.
     */
    private static final class Cursor {
        private final TopicName topic;
        private volatile Outgoing lastQueued;

        Cursor(TopicName topic) {
            this.topic = topic;
        }

        Frames.Position position() {
            Outgoing last = lastQueued;
            return last == null ? Frames.Position.UNKNOWN : new Frames.Position(last.epoch(), last.seq());
        }
    }

    SessionTopics(Subscriber session, Hub hub) {
        this.session = session;
        this.hub = hub;
    }

    /** Subscribes to {@code topic} from {@code since}; at most {@code limit} topics at a time. */
    void subscribe(TopicName topic, Frames.Position since, String requestId, int limit) {
        synchronized (membership) {
            if (!subscribed.containsKey(topic.toString()) && subscribed.size() >= limit) {
                throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "at most " + limit + " subscriptions per connection");
            }
            subscribed.computeIfAbsent(topic.toString(), t -> new Cursor(topic));
            hub.subscribe(topic, session, since, requestId);
        }
    }

    void unsubscribe(TopicName topic) {
        synchronized (membership) {
            hub.unsubscribe(topic, session.key());
            subscribed.remove(topic.toString());
        }
    }

    /** Records {@code event} (a topic event queued to the session) as where it stands in its topic. */
    void queued(Outgoing event) {
        Cursor cursor = subscribed.get(event.topic());
        if (cursor != null) {
            Outgoing last = cursor.lastQueued;
            // Never backwards: a catch-up may queue later events re-entrantly before this one is recorded.
            if (last == null || event.seq() > last.seq() || !event.epoch().equals(last.epoch())) {
                cursor.lastQueued = event;
            }
        }
    }

    /** Lets every topic the session is catching up in queue what the session has room for now. */
    void catchUpAll() {
        subscribed.values().forEach(cursor -> hub.catchUp(cursor.topic, session));
    }

    /** Leaves every topic in the hub; the subscriptions and positions stay for {@link #resubscribeAll}. */
    void leaveAll() {
        subscribed.values().forEach(cursor -> hub.unsubscribe(cursor.topic, session.key()));
    }

    /**
     * Subscribes again to every topic: from the position in {@code standing}, else from the last event
     * queued; from an unknown position (a reset) for all when {@code clientPositionUnknown}.
     */
    void resubscribeAll(Map<String, Frames.Position> standing, boolean clientPositionUnknown) {
        subscribed.forEach((topic, cursor) -> {
            Frames.Position since = clientPositionUnknown ? Frames.Position.UNKNOWN
                    : standing.getOrDefault(topic, cursor.position());
            hub.subscribe(cursor.topic, session, since, null);
        });
    }

    /** Throws {@code forbidden} unless {@code next} grants every subscribed topic. */
    void requireGrantedBy(Principal next) {
        for (String name : subscribed.keySet()) {
            TopicName topic = TopicName.parse(name);
            if (!next.canSubscribe(topic.room(), topic.channel())) {
                throw new ProtocolException(ErrorCode.FORBIDDEN, "the new token does not grant subscribed topic " + topic);
            }
        }
    }

    int count() {
        return subscribed.size();
    }
}

package dev.tandem.hub;

import dev.tandem.protocol.FrameCodec;
import dev.tandem.protocol.Frames;
import dev.tandem.protocol.TopicName;
import static dev.tandem.protocol.JsonSupport.JSON;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonValue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One topic: its epoch, gap-free seq, history, state and subscribers. Seq assignment, history append
 * and fan-out into the subscribers' outboxes happen under one lock, so every subscriber sees one total
 * order; outboxes never block, so the lock is never held while a socket is written.
 *
 * <p>A subscriber is either live (pushed every event as it is published) or catching up (it had no room
 * for an event, or subscribed from further back: it pulls the events after the last one it was given from
 * the history, see {@link Subscriber}). Both kinds get the same events in the same order.
 */
final class Topic {
    private final TopicName name;
    private final String topic;
    private final String epoch;
    private final ChannelKind kind;
    private final int snapshotEvents;
    private final FrameCodec codec;
    private final ReentrantLock lock = new ReentrantLock();
    private final HistoryRing history;
    private final Map<String, Subscriber> subscribers = new LinkedHashMap<>();
    /** Subscriber key → seq of the last event it was given, for the subscribers catching up. */
    private final Map<String, Long> catchingUp = new HashMap<>();
    /** At most the smallest value in {@link #catchingUp}: the history is checked against it only when its
     *  oldest event passes this, not on every publish. */
    private long catchingUpFloor = Long.MAX_VALUE;
    /** The live subscribers as an array for fan-out, rebuilt before the next publish after any change: a
     *  subscriber that leaves or starts catching up during a fan-out cannot disturb the iteration. */
    private Subscriber[] fanout = new Subscriber[0];
    private boolean fanoutStale;
    private long seq;
    private JsonValue state = JsonValue.EMPTY_JSON_OBJECT;
    /** Set once the hub has let this topic go: every call then returns null and the caller looks again. */
    private boolean retired;
    /** When it was last published to, subscribed to or left: the hub lets go of idle topics by it. */
    private volatile long lastUsedMillis;

    Topic(TopicName name, String epoch, ChannelKind kind, HistoryRing history, int snapshotEvents, FrameCodec codec,
          long now) {
        this.name = name;
        this.lastUsedMillis = now;
        this.topic = name.toString();
        this.epoch = epoch;
        this.kind = kind;
        this.snapshotEvents = snapshotEvents;
        this.codec = codec;
        this.history = history;
    }

    TopicName name() {
        return name;
    }

    /** Null when the topic was retired meanwhile (see {@link #retireIfIdle}). */
    Frames.Position publish(JsonValue data, String from, Set<String> to, long now) {
        lock.lock();
        try {
            if (retired) {
                return null;
            }
            lastUsedMillis = now;
            long next = seq + 1;
            if (kind == ChannelKind.STATE) {
                state = JSON.createMergePatch(data).apply(state);
            }
            String frame = codec.encode(new Frames.Event(topic, epoch, next, data, from, now, null));
            String redacted = to == null ? null
                    : codec.encode(new Frames.Event(topic, epoch, next, null, null, now, Boolean.TRUE));
            StoredEvent event = new StoredEvent(next, from, now, to, frame, redacted);
            seq = next;
            if (history.append(event, now) && history.oldestSeq() - 1 > catchingUpFloor) {
                dropThoseBeyondHistory();
            }
            Outgoing full = Outgoing.event(frame, topic, epoch, next);
            Outgoing hidden = redacted == null ? null : Outgoing.event(redacted, topic, epoch, next);
            for (Subscriber subscriber : liveSubscribers()) {
                Outgoing own = to == null || to.contains(subscriber.identity()) ? full : hidden;
                if (!subscriber.offerEvent(own)) {
                    startCatchingUp(subscriber.key(), next - 1);
                }
            }
            return new Frames.Position(epoch, next);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds (or re-adds) a subscriber and queues, in order: the ack (when {@code requestId} is set), then
     * either the missed events after {@code since}, or a reset and a snapshot, or just a snapshot.
     * Null when the topic was retired meanwhile.
     */
    SubscribeOutcome subscribe(Subscriber subscriber, Frames.Position since, String requestId, long now) {
        lock.lock();
        try {
            if (retired) {
                return null;
            }
            lastUsedMillis = now;
            subscribers.put(subscriber.key(), subscriber);
            catchingUp.remove(subscriber.key());
            fanoutStale = true;
            boolean recovered = since != null && canReplayFrom(since);
            if (requestId != null) {
                subscriber.deliver(Outgoing.of(codec.encode(
                        new Frames.Ack(requestId, topic, epoch, seq, since == null ? null : recovered))));
            }
            if (recovered) {
                // The missed events come from the history, as much as the subscriber has room for now and
                // the rest as it makes room; live events follow once it is back at the head.
                startCatchingUp(subscriber.key(), since.seq());
                catchUpLocked(subscriber);
            } else {
                if (since != null) {
                    String reason = since.isUnknown() ? "resume_gap"
                            : !epoch.equals(since.epoch()) ? "epoch_changed"
                            : "history_gone";
                    subscriber.deliver(Outgoing.of(codec.encode(new Frames.Reset(topic, epoch, seq, reason))));
                }
                subscriber.deliver(Outgoing.event(codec.encode(snapshotFor(subscriber)), topic, epoch, seq));
            }
            return new SubscribeOutcome(new Frames.Position(epoch, seq), recovered);
        } finally {
            lock.unlock();
        }
    }

    /** Removes a subscriber; {@code now} counts as a use, since a session that left may resume (see Hub). */
    void unsubscribe(String subscriberKey, long now) {
        lock.lock();
        try {
            lastUsedMillis = now;
            if (subscribers.remove(subscriberKey) != null) {
                catchingUp.remove(subscriberKey);
                fanoutStale = true;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues, for a subscriber catching up, the events after the last one it was given, as many as it has
     * room for; back at the head of the topic, it is live again. Nothing happens for a live subscriber.
     */
    void catchUp(Subscriber subscriber) {
        lock.lock();
        try {
            if (subscribers.get(subscriber.key()) == subscriber && catchingUp.containsKey(subscriber.key())) {
                catchUpLocked(subscriber);
            }
        } finally {
            lock.unlock();
        }
    }

    /** How many subscribers are catching up from the history. */
    int catchingUpCount() {
        lock.lock();
        try {
            return catchingUp.size();
        } finally {
            lock.unlock();
        }
    }

    private void catchUpLocked(Subscriber subscriber) {
        String key = subscriber.key();
        // The position is read and claimed on every turn: an offer may complete a write at once, and a
        // writer that runs the room notice on this thread catches up re-entrantly (the lock is reentrant).
        while (true) {
            Long last = catchingUp.get(key);
            if (last == null) {
                return;
            }
            if (last >= seq) {
                catchingUp.remove(key);
                fanoutStale = true;
                return;
            }
            StoredEvent event = history.next(last);
            if (event == null) {
                dropBeyondHistory(subscriber);
                return;
            }
            catchingUp.put(key, event.seq());
            if (!subscriber.offerEvent(Outgoing.event(event.frameFor(subscriber.identity()), topic, epoch, event.seq()))) {
                catchingUp.put(key, last);
                return;
            }
        }
    }

    private void startCatchingUp(String key, long lastGiven) {
        catchingUp.put(key, lastGiven);
        catchingUpFloor = Math.min(catchingUpFloor, lastGiven);
        fanoutStale = true;
    }

    private void dropThoseBeyondHistory() {
        long oldest = history.oldestSeq();
        List<String> gone = new ArrayList<>();
        long floor = Long.MAX_VALUE;
        for (Map.Entry<String, Long> entry : catchingUp.entrySet()) {
            if (entry.getValue() + 1 < oldest) {
                gone.add(entry.getKey());
            } else {
                floor = Math.min(floor, entry.getValue());
            }
        }
        catchingUpFloor = floor;
        gone.forEach(key -> dropBeyondHistory(subscribers.get(key)));
    }

    private void dropBeyondHistory(Subscriber subscriber) {
        subscribers.remove(subscriber.key());
        catchingUp.remove(subscriber.key());
        fanoutStale = true;
        subscriber.fellBehind();
    }

    private Subscriber[] liveSubscribers() {
        if (fanoutStale) {
            fanoutStale = false;
            fanout = catchingUp.isEmpty() ? subscribers.values().toArray(new Subscriber[0])
                    : subscribers.values().stream().filter(s -> !catchingUp.containsKey(s.key())).toArray(Subscriber[]::new);
        }
        return fanout;
    }

    /** Events after {@code sinceSeq} (all of them, for trusted server-side readers); null when retired. */
    HistoryPage history(long sinceSeq, int limit) {
        lock.lock();
        try {
            if (retired) {
                return null;
            }
            List<StoredEvent> events = history.after(sinceSeq, limit);
            boolean complete = sinceSeq >= seq || history.size() > 0 && history.holdsAfter(sinceSeq);
            return new HistoryPage(topic, epoch, seq, events, complete);
        } finally {
            lock.unlock();
        }
    }

    int subscriberCount() {
        lock.lock();
        try {
            return subscribers.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Retires the topic if nobody is subscribed and nobody used it since {@code usedBefore}: runs {@code letGo} under
     * its lock, so that no publish or subscribe can slip in between, and gives its history's bytes back to
     * the budget. Returns whether it did.
     */
    boolean retireIfIdle(long usedBefore, Runnable letGo) {
        lock.lock();
        try {
            if (retired || !subscribers.isEmpty() || lastUsedMillis >= usedBefore) {
                return false;
            }
            retired = true;
            letGo.run();
            history.clear();
            return true;
        } finally {
            lock.unlock();
        }
    }

    boolean isIdle() {
        lock.lock();
        try {
            return !retired && subscribers.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    long lastUsedMillis() {
        return lastUsedMillis;
    }

    /** What its history weighs, roughly, in bytes. */
    long historyBytes() {
        lock.lock();
        try {
            return history.bytes();
        } finally {
            lock.unlock();
        }
    }

    private boolean canReplayFrom(Frames.Position since) {
        return epoch.equals(since.epoch()) && since.seq() <= seq && (since.seq() == seq || history.holdsAfter(since.seq()));
    }

    /** The state, or the newest events for this subscriber that fit its replay budget (at most snapshotEvents). */
    private Frames.Snapshot snapshotFor(Subscriber subscriber) {
        if (kind == ChannelKind.STATE) {
            return new Frames.Snapshot(topic, epoch, seq, kind.wire(), state, null);
        }
        Subscriber.ReplayBudget budget = subscriber.replayBudget();
        ArrayDeque<StoredEvent> chosen = new ArrayDeque<>();
        long bytes = 0;
        for (int i = 0; i < history.size() && chosen.size() < snapshotEvents; i++) {
            StoredEvent event = history.newest(i);
            if (!event.isFor(subscriber.identity())) {
                continue;
            }
            bytes += event.frame().length();
            if (bytes > budget.bytes() && !chosen.isEmpty()) {
                break;
            }
            chosen.addFirst(event);
        }
        JsonArrayBuilder events = JSON.createArrayBuilder();
        chosen.forEach(event -> events.add(event.toJson()));
        return new Frames.Snapshot(topic, epoch, seq, kind.wire(), null, events.build());
    }
}

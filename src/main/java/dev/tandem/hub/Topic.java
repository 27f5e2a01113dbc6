package dev.tandem.hub;

import dev.tandem.protocol.FrameCodec;
import dev.tandem.protocol.Frames;
import dev.tandem.protocol.TopicName;
import static dev.tandem.protocol.JsonSupport.JSON;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonValue;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One topic: its epoch, gap-free seq, history, state and subscribers. Seq assignment, history append
 * and fan-out into the subscribers' outboxes happen under one lock, so every subscriber sees one total
 * order; outboxes never block, so the lock is never held while a socket is written.
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
    /** The subscribers as an array for fan-out, replaced on every change: a subscriber that leaves
     *  during a fan-out (an overflow handled on the same thread) cannot disturb the iteration. */
    private Subscriber[] fanout = new Subscriber[0];
    private long seq;
    private JsonValue state = JsonValue.EMPTY_JSON_OBJECT;

    Topic(TopicName name, String epoch, ChannelKind kind, int historySize, int snapshotEvents, FrameCodec codec) {
        this.name = name;
        this.topic = name.toString();
        this.epoch = epoch;
        this.kind = kind;
        this.snapshotEvents = snapshotEvents;
        this.codec = codec;
        this.history = new HistoryRing(historySize);
    }

    TopicName name() {
        return name;
    }

    Frames.Position publish(JsonValue data, String from, Set<String> to, long now) {
        lock.lock();
        try {
            long next = seq + 1;
            if (kind == ChannelKind.STATE) {
                state = JSON.createMergePatch(data).apply(state);
            }
            String frame = codec.encode(new Frames.Event(topic, epoch, next, data, from, now, null));
            String redacted = to == null ? null
                    : codec.encode(new Frames.Event(topic, epoch, next, null, null, now, Boolean.TRUE));
            StoredEvent event = new StoredEvent(next, from, now, to, frame, redacted);
            seq = next;
            history.append(event);
            Outgoing full = Outgoing.event(frame, topic, epoch, next);
            Outgoing hidden = redacted == null ? null : Outgoing.event(redacted, topic, epoch, next);
            if (to == null) {
                for (Subscriber subscriber : fanout) {
                    subscriber.deliver(full);
                }
            } else {
                for (Subscriber subscriber : fanout) {
                    subscriber.deliver(to.contains(subscriber.identity()) ? full : hidden);
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
     */
    SubscribeOutcome subscribe(Subscriber subscriber, Frames.Position since, String requestId) {
        lock.lock();
        try {
            subscribers.put(subscriber.key(), subscriber);
            fanout = subscribers.values().toArray(new Subscriber[0]);
            boolean recovered = since != null && canReplayFrom(since, subscriber.replayBudget());
            if (requestId != null) {
                subscriber.deliver(Outgoing.of(codec.encode(
                        new Frames.Ack(requestId, topic, epoch, seq, since == null ? null : recovered))));
            }
            if (recovered) {
                for (StoredEvent event : history.after(since.seq(), Integer.MAX_VALUE)) {
                    subscriber.deliver(Outgoing.event(event.frameFor(subscriber.identity()), topic, epoch, event.seq()));
                }
            } else {
                if (since != null) {
                    String reason = since.isUnknown() ? "resume_gap"
                            : !epoch.equals(since.epoch()) ? "epoch_changed"
                            : since.seq() <= seq && history.oldestSeq() <= since.seq() + 1 ? "gap_too_large"
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

    void unsubscribe(String subscriberKey) {
        lock.lock();
        try {
            if (subscribers.remove(subscriberKey) != null) {
                fanout = subscribers.values().toArray(new Subscriber[0]);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Events after {@code sinceSeq} (all of them, for trusted server-side readers). */
    HistoryPage history(long sinceSeq, int limit) {
        lock.lock();
        try {
            List<StoredEvent> events = history.after(sinceSeq, limit);
            boolean complete = sinceSeq >= seq || history.size() > 0 && history.oldestSeq() <= sinceSeq + 1;
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

    private boolean canReplayFrom(Frames.Position since, Subscriber.ReplayBudget budget) {
        if (!epoch.equals(since.epoch()) || since.seq() > seq) {
            return false;
        }
        if (since.seq() == seq) {
            return true;
        }
        if (history.size() == 0 || history.oldestSeq() > since.seq() + 1 || seq - since.seq() > budget.frames()) {
            return false;
        }
        long bytes = 0;
        for (StoredEvent event : history.after(since.seq(), budget.frames())) {
            bytes += event.frame().length();
            if (bytes > budget.bytes()) {
                return false;
            }
        }
        return true;
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

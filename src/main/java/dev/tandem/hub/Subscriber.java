package dev.tandem.hub;

/**
 * What a topic fans out to: one session. Its methods are called under the topic's lock, so they must be
 * quick and never block.
 *
 * <p>Events are pushed while the subscriber has room for them. When {@link #offerEvent} refuses one, the
 * topic stops pushing to it and the subscriber pulls instead: once it has room again it calls
 * {@link Hub#catchUp}, which queues the next events from the topic's history, and back at the head of the
 * topic it is pushed to again. A subscriber that falls further behind than the history reaches is dropped
 * from the topic and told so ({@link #fellBehind}). So a subscriber that reads slowly costs the topic
 * nothing per publish, and nothing it was sent is lost while the history still holds it.
 */
public interface Subscriber {
    /** Unique per session; a topic holds at most one subscription per key. */
    String key();

    /** The identity events addressed with {@code to} are matched against. */
    String identity();

    /** Queues a frame that must be sent whatever the room left (an ack, a reset, a snapshot). */
    void deliver(Outgoing frame);

    /**
     * Queues a topic event if there is room for it; false (queuing nothing) when there is not, and the
     * subscriber will call {@link Hub#catchUp} once there is.
     */
    default boolean offerEvent(Outgoing event) {
        deliver(event);
        return true;
    }

    /** The topic dropped this subscriber: it fell behind further than the topic's history reaches. */
    default void fellBehind() {
    }

    /** How much a snapshot may queue at once without filling this subscriber's room for events. */
    default ReplayBudget replayBudget() {
        return ReplayBudget.UNLIMITED;
    }

    record ReplayBudget(int frames, long bytes) {
        public static final ReplayBudget UNLIMITED = new ReplayBudget(Integer.MAX_VALUE, Long.MAX_VALUE);
    }
}

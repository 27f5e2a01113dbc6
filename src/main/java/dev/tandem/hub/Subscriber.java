package dev.tandem.hub;

/** What a topic fans out to: one session. {@link #deliver} must never block. */
public interface Subscriber {
    /** Unique per session; a topic holds at most one subscription per key. */
    String key();

    /** The identity events addressed with {@code to} are matched against. */
    String identity();

    /** Queues a reliable frame. Called under the topic's lock, so it must be quick and non-blocking. */
    void deliver(Outgoing frame);

    /**
     * How much a replay may queue at once without overflowing this subscriber's outbox; a larger gap
     * is answered with a reset and a fresh snapshot.
     */
    default ReplayBudget replayBudget() {
        return ReplayBudget.UNLIMITED;
    }

    record ReplayBudget(int frames, long bytes) {
        public static final ReplayBudget UNLIMITED = new ReplayBudget(Integer.MAX_VALUE, Long.MAX_VALUE);
    }
}

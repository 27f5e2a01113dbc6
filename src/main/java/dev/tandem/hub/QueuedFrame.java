package dev.tandem.hub;

/**
 * A reliable frame in an {@link Outbox}, waiting to be written or kept for a resume.
 *
 * @param position its resume position in the outbox (1, 2, 3...)
 * @param topic    set, with {@code epoch} and {@code seq}, for topic events and snapshots; null otherwise
 */
record QueuedFrame(long position, String text, int bytes, String topic, String epoch, long seq) {
}

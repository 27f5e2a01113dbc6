package dev.tandem.docs;

import java.time.Duration;
import java.util.concurrent.ExecutorService;

/**
 * Tuning of a {@link DocumentHost}.
 *
 * @param idleEviction  a loaded document with no peers and no work for this long is saved and freed
 * @param maxLoaded     soft bound on loaded documents; beyond it the least recently used documents
 *                      without peers are evicted first
 * @param compactEvery  after this many appended change blobs, a document is compacted into one snapshot
 * @param maxBatch      tasks an owner runs before flushing outputs (sync rounds and patches are
 *                      batched: one outgoing message per peer per flush)
 * @param syncWindow    flow control: after sending a peer changes, further changes wait until it answers
 *                      or this long has passed, and then go out together
 * @param executor      shared pool the document owners run on (null: the host creates and owns one)
 */
public record DocumentHostConfig(Duration idleEviction, int maxLoaded, int compactEvery, int maxBatch,
                                 Duration syncWindow, ExecutorService executor) {
    public DocumentHostConfig {
        if (idleEviction == null || idleEviction.isNegative() || idleEviction.isZero()) {
            throw new IllegalArgumentException("idleEviction must be positive");
        }
        if (syncWindow == null || syncWindow.isNegative()) {
            throw new IllegalArgumentException("syncWindow must be >= 0");
        }
        if (maxLoaded < 1 || compactEvery < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("maxLoaded, compactEvery and maxBatch must be >= 1");
        }
    }

    public static DocumentHostConfig defaults() {
        return new DocumentHostConfig(Duration.ofMinutes(5), 1000, 200, 512, Duration.ofMillis(100), null);
    }

    public DocumentHostConfig withIdleEviction(Duration d) {
        return new DocumentHostConfig(d, maxLoaded, compactEvery, maxBatch, syncWindow, executor);
    }

    public DocumentHostConfig withMaxLoaded(int n) {
        return new DocumentHostConfig(idleEviction, n, compactEvery, maxBatch, syncWindow, executor);
    }

    public DocumentHostConfig withCompactEvery(int n) {
        return new DocumentHostConfig(idleEviction, maxLoaded, n, maxBatch, syncWindow, executor);
    }

    public DocumentHostConfig withMaxBatch(int n) {
        return new DocumentHostConfig(idleEviction, maxLoaded, compactEvery, n, syncWindow, executor);
    }

    public DocumentHostConfig withSyncWindow(Duration d) {
        return new DocumentHostConfig(idleEviction, maxLoaded, compactEvery, maxBatch, d, executor);
    }

    public DocumentHostConfig withExecutor(ExecutorService e) {
        return new DocumentHostConfig(idleEviction, maxLoaded, compactEvery, maxBatch, syncWindow, e);
    }
}

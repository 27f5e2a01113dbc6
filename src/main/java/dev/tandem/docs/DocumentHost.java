package dev.tandem.docs;

import dev.tandem.store.DocumentStore;
import jakarta.json.JsonArray;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.automerge.Document;
import org.automerge.PatchLog;
import org.automerge.SyncState;

/**
 * Hosts Automerge documents, transport-independent.
 *
 * <p>Each document has exactly one owner ({@link DocumentOwner}): a serial {@link Mailbox} drained
 * on a shared pool, so an Automerge {@link Document}, its {@link SyncState}s and {@link PatchLog}s
 * are only ever touched by one thread at a time. Every public method is asynchronous and returns a {@link CompletionStage}
 * that fails with a {@link DocException} (typed code) on bad input.
 *
 * <p>Batching: the owner runs up to {@code maxBatch} queued tasks, then flushes once: new changes
 * are appended to the store, JSON-mode peers get one {@link DocOutput.Patch}, and every sync peer
 * that needs it gets one {@link DocOutput.Sync} generated against the batch's final state. Under
 * load, many incoming changes cost one outgoing sync round per peer instead of one per change.
 *
 * <p>Lifecycle: documents are created on first use with the schema of their kind
 * ({@link Schemas}), loaded from the {@link DocumentStore} (snapshot + later changes), evicted
 * (saved and freed) when idle without peers or when more than {@code maxLoaded} are loaded, and
 * freed on {@link #close()}. {@link #nativeCounts()} tracks live native objects.
 *
 * <p>This class is the public API and the lifecycle (routing work to owners, the eviction sweep,
 * shutdown); the per-document work lives in {@link DocumentOwner}.
 */
public final class DocumentHost implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DocumentHost.class.getName());

    private final DocumentStore store;
    private final DocumentHostConfig config;
    private final ExecutorService executor;
    private final boolean ownsExecutor;
    private final ScheduledExecutorService sweeper;
    /** Documents with an owner, loaded or not (the {@code slots} of {@link Stats}). */
    private final Map<String, DocumentOwner> owners = new ConcurrentHashMap<>();
    private final AtomicInteger loaded = new AtomicInteger();
    private final AtomicLong loads = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();
    private final AtomicLong persistFailures = new AtomicLong();
    private final AtomicLong busyNanos = new AtomicLong();
    private final NativeCounts counts = new NativeCounts();
    private volatile boolean closed;

    public DocumentHost(DocumentStore store) {
        this(store, DocumentHostConfig.defaults());
    }

    public DocumentHost(DocumentStore store, DocumentHostConfig config) {
        if (!ConflictPatchFix.install()) {
            throw new IllegalStateException("automerge-java's conflict patches would abort the JVM "
                    + "(see ConflictPatchFix); not starting");
        }
        this.store = store;
        this.config = config;
        if (config.executor() != null) {
            this.executor = config.executor();
            this.ownsExecutor = false;
        } else {
            int n = Math.max(2, Runtime.getRuntime().availableProcessors());
            this.executor = Executors.newFixedThreadPool(n, daemon("tandem-doc-"));
            this.ownsExecutor = true;
        }
        this.sweeper = Executors.newSingleThreadScheduledExecutor(daemon("tandem-doc-sweeper-"));
        long period = Math.max(10, Math.min(config.idleEviction().toMillis() / 4, 30_000));
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------ public API

    /**
     * Attaches a peer: a sync-mode peer first gets a {@link DocOutput.Snapshot} (the {@code save()}
     * bytes) and then syncs from there; a JSON-mode peer gets a {@link DocOutput.View} and then
     * {@link DocOutput.Patch}es. Re-attaching the same peer id replaces its previous state.
     */
    public CompletionStage<Void> attach(String docId, DocPeer peer) {
        return call(docId, owner -> {
            owner.attach(peer);
            return null;
        });
    }

    /** Detaches a peer and frees its sync state. Unknown peers are ignored. */
    public CompletionStage<Void> detach(String docId, String peerId) {
        return call(docId, owner -> {
            owner.detach(peerId);
            return null;
        });
    }

    /**
     * Applies an Automerge sync message from an attached sync-mode peer. Replies to it, and new
     * changes go to every other peer, at the end of the current batch.
     */
    public CompletionStage<Void> receiveSync(String docId, String peerId, byte[] message) {
        return call(docId, owner -> {
            owner.receiveSync(peerId, message);
            return null;
        });
    }

    /** Applies JSON ops in one transaction; completes with the new heads once persisted. */
    public CompletionStage<List<String>> applyOps(String docId, JsonArray ops) {
        return callDurable(docId, owner -> owner.transact(tx -> JsonOps.apply(tx, ops)));
    }

    /** Runs {@code change} in one transaction on the owner thread; completes with the new heads once persisted. */
    public CompletionStage<List<String>> change(String docId, DocChange change) {
        return callDurable(docId, owner -> owner.transact(change));
    }

    /** Applies raw encoded changes (one or more, e.g. {@code encodeChangesSince}); completes with the new heads. */
    public CompletionStage<List<String>> applyChanges(String docId, byte[] changes) {
        return callDurable(docId, owner -> owner.applyChanges(changes));
    }

    /** The document's {@code save()} bytes (cached per heads). */
    public CompletionStage<byte[]> save(String docId) {
        return call(docId, owner -> owner.snapshot(owner.document().getHeads()));
    }

    /** The whole document as JSON. */
    public CompletionStage<JsonValue> view(String docId) {
        return call(docId, owner -> JsonView.of(owner.document()));
    }

    /** The document's heads (hex). */
    public CompletionStage<List<String>> heads(String docId) {
        return call(docId, owner -> Heads.hex(owner.document().getHeads()));
    }

    /**
     * Runs a read-only function on the owner thread (e.g. to encode changes for REST history).
     * The {@link Document} must not escape the function.
     */
    public <T> CompletionStage<T> read(String docId, Function<Document, T> fn) {
        return call(docId, owner -> fn.apply(owner.document()));
    }

    /** Whether {@code docId} is loaded in memory (it has subscribers, unsaved changes, or was used recently). */
    public boolean isLoaded(String docId) {
        DocumentOwner owner = owners.get(docId);
        return owner != null && owner.isLoaded();
    }

    public NativeCounts nativeCounts() {
        return counts;
    }

    public Stats stats() {
        return new Stats(loaded.get(), owners.size(), loads.get(), evictions.get(), persistFailures.get(),
                busyNanos.get() / 1_000_000);
    }

    /**
     * Counters: documents in memory, slots known, loads from the store, evictions, failed persists,
     * and milliseconds the owners spent working (all documents, all threads).
     */
    public record Stats(int loaded, int slots, long loads, long evictions, long persistFailures, long busyMillis) {
    }

    /** Saves pending changes, frees every native object and stops the owner threads. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        sweeper.shutdownNow();
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (DocumentOwner owner : owners.values()) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            if (owner.offerInternal(() -> {
                try {
                    owner.shutdown();
                } finally {
                    f.complete(null);
                }
            })) {
                done.add(f);
            }
        }
        try {
            CompletableFuture.allOf(done.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "documents did not close in time", e);
        }
        if (ownsExecutor) {
            executor.shutdown();
            try {
                executor.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ------------------------------------------------------------------ plumbing

    private <T> CompletableFuture<T> call(String docId, Function<DocumentOwner, T> fn) {
        CompletableFuture<T> f = new CompletableFuture<>();
        submit(f, docId, owner -> {
            owner.ensureLoaded();
            f.complete(fn.apply(owner));
        });
        return f;
    }

    /** Like {@link #call} but completes after the batch's flush (i.e. after the change is persisted). */
    private <T> CompletableFuture<T> callDurable(String docId, Function<DocumentOwner, T> fn) {
        CompletableFuture<T> f = new CompletableFuture<>();
        submit(f, docId, owner -> {
            owner.ensureLoaded();
            T v = fn.apply(owner);
            owner.afterFlush(() -> f.complete(v));
        });
        return f;
    }

    private void submit(CompletableFuture<?> f, String docId, Consumer<DocumentOwner> task) {
        DocId id;
        try {
            id = DocId.parse(docId);
        } catch (DocException e) {
            f.completeExceptionally(e);
            return;
        }
        String key = id.toString();
        while (true) {
            if (closed) {
                f.completeExceptionally(new DocException(DocException.UNAVAILABLE, "document host is closed"));
                return;
            }
            DocumentOwner owner = owners.computeIfAbsent(key, k -> new DocumentOwner(this, id));
            Runnable r = () -> {
                try {
                    task.accept(owner);
                } catch (DocException e) {
                    f.completeExceptionally(e);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "document task failed on " + key, e);
                    f.completeExceptionally(new DocException(DocException.INTERNAL, "internal error: " + e, e));
                }
            };
            if (owner.offer(r)) {
                return;
            }
        }
    }

    private void sweep() {
        try {
            long now = System.nanoTime();
            long idle = config.idleEviction().toNanos();
            List<DocumentOwner> candidates = new ArrayList<>();
            for (DocumentOwner owner : owners.values()) {
                if (owner.isLoaded() && owner.peerCount() == 0) {
                    if (now - owner.lastUsed() > idle) {
                        owner.offerInternal(() -> owner.evict(false));
                    } else {
                        candidates.add(owner);
                    }
                }
            }
            int excess = loaded.get() - config.maxLoaded();
            if (excess > 0) {
                candidates.sort(Comparator.comparingLong(DocumentOwner::lastUsed));
                for (int i = 0; i < excess && i < candidates.size(); i++) {
                    DocumentOwner owner = candidates.get(i);
                    owner.offerInternal(() -> owner.evict(true));
                }
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "document sweep failed", e);
        }
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    // ------------------------------------------------------------------ for the owners

    DocumentStore store() {
        return store;
    }

    DocumentHostConfig config() {
        return config;
    }

    ExecutorService executor() {
        return executor;
    }

    boolean isClosed() {
        return closed;
    }

    void addBusyNanos(long nanos) {
        busyNanos.addAndGet(nanos);
    }

    /** An owner loaded its document; past {@code maxLoaded}, sweeps at once rather than at the next period. */
    void documentLoaded() {
        loads.incrementAndGet();
        if (loaded.incrementAndGet() > config.maxLoaded() && !closed) {
            sweeper.execute(this::sweep);
        }
    }

    void documentUnloaded() {
        loaded.decrementAndGet();
    }

    void documentEvicted() {
        evictions.incrementAndGet();
    }

    void persistFailed() {
        persistFailures.incrementAndGet();
    }

    /** A retired owner: the next call for its document creates a fresh one. */
    void forget(DocumentOwner owner) {
        owners.remove(owner.key, owner);
    }

    /** Runs {@code task} on the sweeper thread after {@code nanos}; throws RejectedExecutionException once closed. */
    void schedule(Runnable task, long nanos) {
        sweeper.schedule(task, nanos, TimeUnit.NANOSECONDS);
    }
}

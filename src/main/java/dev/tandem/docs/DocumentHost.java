package dev.tandem.docs;

import dev.tandem.store.DocumentStore;
import dev.tandem.store.StoredDocument;
import jakarta.json.JsonArray;
import jakarta.json.JsonValue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.automerge.ChangeHash;
import org.automerge.Document;
import org.automerge.PatchLog;
import org.automerge.SyncState;
import org.automerge.Transaction;

/**
 * Hosts Automerge documents, transport-independent.
 *
 * <p>Each document has exactly one owner: a serial mailbox drained on a shared pool, so an
 * Automerge {@link Document}, its {@link SyncState}s and {@link PatchLog}s are only ever touched by
 * one thread at a time. Every public method is asynchronous and returns a {@link CompletionStage}
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
 */
public final class DocumentHost implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DocumentHost.class.getName());
    /** A peer that has not answered a change-carrying message gets more changes after this many sync windows. */
    private static final long AWAIT_WINDOWS = 20;

    private final DocumentStore store;
    private final DocumentHostConfig config;
    private final ExecutorService executor;
    private final boolean ownsExecutor;
    private final ScheduledExecutorService sweeper;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
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
        return call(docId, s -> {
            s.attach(peer);
            return null;
        });
    }

    /** Detaches a peer and frees its sync state. Unknown peers are ignored. */
    public CompletionStage<Void> detach(String docId, String peerId) {
        return call(docId, s -> {
            s.detach(peerId);
            return null;
        });
    }

    /**
     * Applies an Automerge sync message from an attached sync-mode peer. Replies to it, and new
     * changes go to every other peer, at the end of the current batch.
     */
    public CompletionStage<Void> receiveSync(String docId, String peerId, byte[] message) {
        return call(docId, s -> {
            s.receiveSync(peerId, message);
            return null;
        });
    }

    /** Applies JSON ops in one transaction; completes with the new heads once persisted. */
    public CompletionStage<List<String>> applyOps(String docId, JsonArray ops) {
        return callDurable(docId, s -> s.transact(tx -> JsonOps.apply(tx, ops)));
    }

    /** Runs {@code change} in one transaction on the owner thread; completes with the new heads once persisted. */
    public CompletionStage<List<String>> change(String docId, DocChange change) {
        return callDurable(docId, s -> s.transact(change));
    }

    /** Applies raw encoded changes (one or more, e.g. {@code encodeChangesSince}); completes with the new heads. */
    public CompletionStage<List<String>> applyChanges(String docId, byte[] changes) {
        return callDurable(docId, s -> s.applyChanges(changes));
    }

    /** The document's {@code save()} bytes (cached per heads). */
    public CompletionStage<byte[]> save(String docId) {
        return call(docId, s -> s.snapshot(s.doc.getHeads()));
    }

    /** The whole document as JSON. */
    public CompletionStage<JsonValue> view(String docId) {
        return call(docId, s -> JsonView.of(s.doc));
    }

    /** The document's heads (hex). */
    public CompletionStage<List<String>> heads(String docId) {
        return call(docId, s -> Heads.hex(s.doc.getHeads()));
    }

    /**
     * Runs a read-only function on the owner thread (e.g. to encode changes for REST history).
     * The {@link Document} must not escape the function.
     */
    public <T> CompletionStage<T> read(String docId, Function<Document, T> fn) {
        return call(docId, s -> fn.apply(s.doc));
    }

    public NativeCounts nativeCounts() {
        return counts;
    }

    public Stats stats() {
        return new Stats(loaded.get(), slots.size(), loads.get(), evictions.get(), persistFailures.get(),
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
        for (Slot s : slots.values()) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            if (s.offerInternal(() -> {
                try {
                    s.shutdown();
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

    private <T> CompletableFuture<T> call(String docId, Function<Slot, T> fn) {
        CompletableFuture<T> f = new CompletableFuture<>();
        submit(f, docId, s -> {
            s.ensureLoaded();
            f.complete(fn.apply(s));
        });
        return f;
    }

    /** Like {@link #call} but completes after the batch's flush (i.e. after the change is persisted). */
    private <T> CompletableFuture<T> callDurable(String docId, Function<Slot, T> fn) {
        CompletableFuture<T> f = new CompletableFuture<>();
        submit(f, docId, s -> {
            s.ensureLoaded();
            T v = fn.apply(s);
            s.afterFlush.add(() -> f.complete(v));
        });
        return f;
    }

    private void submit(CompletableFuture<?> f, String docId, Consumer<Slot> task) {
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
            Slot s = slots.computeIfAbsent(key, k -> new Slot(id));
            Runnable r = () -> {
                try {
                    task.accept(s);
                } catch (DocException e) {
                    f.completeExceptionally(e);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "document task failed on " + key, e);
                    f.completeExceptionally(new DocException(DocException.INTERNAL, "internal error: " + e, e));
                }
            };
            if (s.offer(r, false)) {
                return;
            }
        }
    }

    private void sweep() {
        try {
            long now = System.nanoTime();
            long idle = config.idleEviction().toNanos();
            List<Slot> candidates = new ArrayList<>();
            for (Slot s : slots.values()) {
                if (s.loadedFlag && s.peerCount == 0) {
                    if (now - s.lastUsed > idle) {
                        s.offerInternal(() -> s.evict(false));
                    } else {
                        candidates.add(s);
                    }
                }
            }
            int excess = loaded.get() - config.maxLoaded();
            if (excess > 0) {
                candidates.sort(Comparator.comparingLong(s -> s.lastUsed));
                for (int i = 0; i < excess && i < candidates.size(); i++) {
                    Slot s = candidates.get(i);
                    s.offerInternal(() -> s.evict(true));
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

    private void deliver(DocPeer peer, DocOutput out) {
        try {
            peer.deliver(out);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "peer " + peer.peerId() + " failed to take " + out.getClass().getSimpleName(), e);
        }
    }

    private static final class PeerState {
        final DocPeer peer;
        SyncState sync;
        /** The peer sent a message: answer it in this flush. */
        boolean pending;
        /** We owe the peer changes but held them back (flow control). */
        boolean deferred;
        /** A message carrying changes was sent and the peer has not answered yet. */
        boolean awaiting;
        long sentAt;

        PeerState(DocPeer peer) {
            this.peer = peer;
        }
    }

    /** One document's owner: a mailbox plus state touched only by the thread draining it. */
    private final class Slot {
        final DocId id;
        final String key;
        private final ArrayDeque<Runnable> mailbox = new ArrayDeque<>();
        private boolean scheduled;
        private boolean retired;
        volatile long lastUsed = System.nanoTime();
        volatile int peerCount;
        volatile boolean loadedFlag;

        // ---- owner-thread state
        Document doc;
        PatchLog batchLog;
        boolean logTainted;
        ChangeHash[] patchHeads;
        ChangeHash[] flushedHeads;
        ChangeHash[] persistedHeads;
        long lastSeq;
        int sinceSnapshot;
        byte[] cachedSave;
        ChangeHash[] cachedSaveHeads;
        int jsonPeers;
        final LinkedHashMap<String, PeerState> peers = new LinkedHashMap<>();
        final List<Runnable> afterFlush = new ArrayList<>();

        Slot(DocId id) {
            this.id = id;
            this.key = id.toString();
        }

        /** Queues work from a caller (counts as use of the document). */
        boolean offer(Runnable task, boolean evenIfClosed) {
            return offer(task, evenIfClosed, true);
        }

        /** Queues housekeeping (eviction, shutdown) that must not count as use. */
        boolean offerInternal(Runnable task) {
            return offer(task, true, false);
        }

        private boolean offer(Runnable task, boolean evenIfClosed, boolean touch) {
            synchronized (this) {
                if (retired || (closed && !evenIfClosed)) {
                    return false;
                }
                mailbox.add(task);
                if (touch) {
                    lastUsed = System.nanoTime();
                }
                if (scheduled) {
                    return true;
                }
                scheduled = true;
            }
            executor.execute(this::drain);
            return true;
        }

        private void drain() {
            long started = System.nanoTime();
            try {
                drainBatch();
            } finally {
                busyNanos.addAndGet(System.nanoTime() - started);
            }
        }

        private void drainBatch() {
            for (int n = 0; n < config.maxBatch(); n++) {
                Runnable r;
                synchronized (this) {
                    r = mailbox.poll();
                }
                if (r == null) {
                    break;
                }
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "task failed on " + key, e);
                }
            }
            try {
                flush();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "flush failed on " + key, e);
            }
            synchronized (this) {
                if (mailbox.isEmpty()) {
                    scheduled = false;
                    return;
                }
            }
            executor.execute(this::drain);
        }

        void ensureLoaded() {
            if (doc != null) {
                return;
            }
            if (retired) {
                throw new DocException(DocException.UNAVAILABLE, "document closed: " + key);
            }
            Optional<StoredDocument> stored = store.load(key);
            Document d;
            if (stored.isPresent()) {
                StoredDocument sd = stored.get();
                d = sd.snapshot() != null ? Document.load(sd.snapshot()) : new Document();
                counts.documents.incrementAndGet();
                try {
                    for (byte[] c : sd.changes()) {
                        d.applyEncodedChanges(c);
                    }
                } catch (RuntimeException e) {
                    d.free();
                    counts.documents.decrementAndGet();
                    throw new DocException(DocException.INTERNAL, "stored document is corrupt: " + key, e);
                }
                lastSeq = sd.lastSeq();
                sinceSnapshot = sd.changes().size();
                persistedHeads = d.getHeads();
            } else {
                d = Schemas.create(id.kind());
                counts.documents.incrementAndGet();
                lastSeq = 0;
                sinceSnapshot = 0;
                persistedHeads = new ChangeHash[0];
            }
            doc = d;
            flushedHeads = d.getHeads();
            patchHeads = flushedHeads;
            loadedFlag = true;
            loads.incrementAndGet();
            if (loaded.incrementAndGet() > config.maxLoaded() && !closed) {
                sweeper.execute(DocumentHost.this::sweep);
            }
        }

        private PatchLog logForMutation() {
            if (jsonPeers == 0 || logTainted) {
                return null;
            }
            if (batchLog == null) {
                batchLog = new PatchLog();
                counts.patchLogs.incrementAndGet();
            }
            return batchLog;
        }

        private void freeBatchLog() {
            if (batchLog != null) {
                batchLog.free();
                counts.patchLogs.decrementAndGet();
                batchLog = null;
            }
            logTainted = false;
        }

        byte[] snapshot(ChangeHash[] heads) {
            if (cachedSave == null || !Heads.same(cachedSaveHeads, heads)) {
                cachedSave = doc.save();
                cachedSaveHeads = heads;
            }
            return cachedSave;
        }

        void attach(DocPeer peer) {
            flush(); // pending outputs belong to the peers already attached
            detach(peer.peerId());
            ChangeHash[] heads = doc.getHeads();
            PeerState ps = new PeerState(peer);
            if (peer.jsonMode()) {
                if (jsonPeers == 0) {
                    patchHeads = heads;
                }
                jsonPeers++;
                deliver(peer, new DocOutput.View(key, Heads.hex(heads), JsonView.of(doc)));
            } else {
                deliver(peer, new DocOutput.Snapshot(key, snapshot(heads), Heads.hex(heads)));
                SyncState sync;
                try {
                    sync = SyncState.decode(Heads.syncStateWithSharedHeads(heads));
                } catch (RuntimeException e) {
                    sync = new SyncState();
                }
                ps.sync = sync;
                counts.syncStates.incrementAndGet();
            }
            peers.put(peer.peerId(), ps);
            peerCount = peers.size();
        }

        void detach(String peerId) {
            PeerState ps = peers.remove(peerId);
            if (ps == null) {
                return;
            }
            if (ps.sync != null) {
                ps.sync.free();
                ps.sync = null;
                counts.syncStates.decrementAndGet();
            } else {
                jsonPeers--;
            }
            peerCount = peers.size();
            lastUsed = System.nanoTime();
        }

        void receiveSync(String peerId, byte[] message) {
            PeerState ps = peers.get(peerId);
            if (ps == null || ps.sync == null) {
                throw DocException.notFound("peer " + peerId + " is not subscribed to " + key + " in sync mode");
            }
            if (message == null || message.length == 0) {
                throw DocException.badRequest("empty sync message");
            }
            PatchLog log = logForMutation();
            try {
                if (log == null) {
                    doc.receiveSyncMessage(ps.sync, message);
                } else {
                    doc.receiveSyncMessage(ps.sync, log, message);
                }
            } catch (RuntimeException e) {
                logTainted |= log != null;
                throw new DocException(DocException.BAD_REQUEST, "invalid sync message: " + e.getMessage(), e);
            }
            ps.pending = true;
            ps.awaiting = false;
        }

        List<String> transact(DocChange change) {
            PatchLog log = logForMutation();
            Transaction tx = log == null ? doc.startTransaction() : doc.startTransaction(log);
            try {
                change.apply(tx);
            } catch (RuntimeException e) {
                try {
                    tx.rollback();
                } finally {
                    if (log != null) {
                        // automerge-java 0.0.7: rollback drops the transaction together with the patch log
                        // it took, and the Java PatchLog stays "in use" forever. Forget it; the batch's
                        // JSON patches come from diff() instead.
                        batchLog = null;
                        counts.patchLogs.decrementAndGet();
                        logTainted = true;
                    }
                }
                if (e instanceof DocException) {
                    throw e;
                }
                throw new DocException(DocException.BAD_REQUEST, "change rejected: " + e.getMessage(), e);
            }
            tx.commit();
            return Heads.hex(doc.getHeads());
        }

        List<String> applyChanges(byte[] changes) {
            if (changes == null || changes.length == 0) {
                throw DocException.badRequest("no changes");
            }
            // automerge's incremental load silently skips what it cannot parse: reject data that is
            // not an Automerge chunk (magic bytes 85 6f 4a 83) instead of "succeeding" with no effect.
            if (changes.length < 8 || (changes[0] & 0xff) != 0x85 || (changes[1] & 0xff) != 0x6f
                    || (changes[2] & 0xff) != 0x4a || (changes[3] & 0xff) != 0x83) {
                throw DocException.badRequest("not Automerge changes (bad magic bytes)");
            }
            PatchLog log = logForMutation();
            try {
                if (log == null) {
                    doc.applyEncodedChanges(changes);
                } else {
                    doc.applyEncodedChanges(changes, log);
                }
            } catch (RuntimeException e) {
                logTainted |= log != null;
                throw new DocException(DocException.BAD_REQUEST, "invalid changes: " + e.getMessage(), e);
            }
            return Heads.hex(doc.getHeads());
        }

        /** End of a batch: persist, patch JSON peers, one sync message per sync peer that needs one, acks. */
        void flush() {
            try {
                if (doc == null) {
                    freeBatchLog();
                    return;
                }
                ChangeHash[] heads = doc.getHeads();
                boolean changed = !Heads.same(heads, flushedHeads);
                if (!Heads.same(heads, persistedHeads)) {
                    persist(heads);
                }
                if (changed && jsonPeers > 0) {
                    JsonArray patches;
                    if (batchLog != null && !logTainted) {
                        patches = JsonPatches.of(doc, doc.makePatches(batchLog));
                    } else {
                        patches = JsonPatches.of(doc, doc.diff(patchHeads, heads));
                    }
                    DocOutput.Patch out = new DocOutput.Patch(key, Heads.hex(heads), patches);
                    for (PeerState ps : peers.values()) {
                        if (ps.sync == null) {
                            deliver(ps.peer, out);
                        }
                    }
                    patchHeads = heads;
                }
                freeBatchLog();
                long now = System.nanoTime();
                long window = config.syncWindow().toNanos();
                long wait = Long.MAX_VALUE;
                for (PeerState ps : peers.values()) {
                    if (ps.sync == null || !(changed || ps.pending || ps.deferred)) {
                        continue;
                    }
                    // Flow control: while a peer has not answered our last message that carried changes,
                    // new changes wait until it answers (or AWAIT_WINDOWS x syncWindow, in case a message was
                    // lost) and then go out together: a busy client gets fewer, larger messages, which Automerge
                    // applies far more cheaply than many small ones. Unsolicited pushes: one per syncWindow.
                    // A reply that carries no changes (handshake, acknowledgement) goes out at once; anything
                    // carrying changes at most once per syncWindow, so changes from many peers and many
                    // batches reach each peer together.
                    boolean carriesChanges = !ps.sync.isInSync(doc);
                    long hold = ps.awaiting ? window * AWAIT_WINDOWS : ps.pending && !carriesChanges ? 0 : window;
                    if (now - ps.sentAt < hold) {
                        ps.deferred = true;
                        wait = Math.min(wait, hold - (now - ps.sentAt));
                        continue;
                    }
                    ps.pending = false;
                    ps.deferred = false;
                    Optional<byte[]> msg = doc.generateSyncMessage(ps.sync);
                    if (msg.isPresent()) {
                        deliver(ps.peer, new DocOutput.Sync(key, msg.get()));
                        ps.awaiting = carriesChanges;
                        ps.sentAt = now;
                    }
                }
                if (wait != Long.MAX_VALUE) {
                    scheduleReflush(wait);
                }
                flushedHeads = heads;
            } finally {
                if (!afterFlush.isEmpty()) {
                    List<Runnable> acks = new ArrayList<>(afterFlush);
                    afterFlush.clear();
                    acks.forEach(Runnable::run);
                }
            }
        }

        private boolean reflushScheduled;

        /** Runs a flush after {@code nanos} (for deferred sync messages), once. */
        private void scheduleReflush(long nanos) {
            if (reflushScheduled || closed) {
                return;
            }
            reflushScheduled = true;
            try {
                sweeper.schedule(() -> offerInternal(() -> reflushScheduled = false), Math.max(nanos, 1_000_000),
                        TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                reflushScheduled = false;
            }
        }

        private void persist(ChangeHash[] heads) {
            try {
                byte[] changes = doc.encodeChangesSince(persistedHeads);
                long seq = lastSeq + 1;
                store.appendChanges(key, seq, changes);
                lastSeq = seq;
                persistedHeads = heads;
                if (++sinceSnapshot >= config.compactEvery()) {
                    byte[] snap = snapshot(heads);
                    store.saveSnapshot(key, snap, Heads.hex(heads), lastSeq);
                    sinceSnapshot = 0;
                }
            } catch (RuntimeException e) {
                persistFailures.incrementAndGet();
                LOG.log(System.Logger.Level.ERROR, "could not persist " + key + " (will retry)", e);
            }
        }

        /** Saves and frees the document if it has no peers (and, unless forced, has been idle long enough). */
        void evict(boolean force) {
            if (doc == null || !peers.isEmpty()) {
                return;
            }
            if (!force && System.nanoTime() - lastUsed <= config.idleEviction().toNanos()) {
                return;
            }
            flush();
            if (!Heads.same(doc.getHeads(), persistedHeads)) {
                return; // store is failing: keep it in memory
            }
            unload();
            evictions.incrementAndGet();
            synchronized (this) {
                if (mailbox.isEmpty()) {
                    retired = true;
                    slots.remove(key, this);
                }
            }
        }

        private void unload() {
            if (doc != null) {
                doc.free();
                doc = null;
                counts.documents.decrementAndGet();
                loaded.decrementAndGet();
            }
            loadedFlag = false;
            cachedSave = null;
            cachedSaveHeads = null;
        }

        /** Host shutdown: persist, free everything, refuse further work. */
        void shutdown() {
            try {
                flush();
            } finally {
                for (String peerId : new ArrayList<>(peers.keySet())) {
                    detach(peerId);
                }
                freeBatchLog();
                unload();
                synchronized (this) {
                    retired = true;
                    slots.remove(key, this);
                }
            }
        }
    }
}

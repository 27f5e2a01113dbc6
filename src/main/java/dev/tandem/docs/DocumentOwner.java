package dev.tandem.docs;

import jakarta.json.JsonArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.automerge.ChangeHash;
import org.automerge.Document;
import org.automerge.PatchLog;
import org.automerge.SyncState;
import org.automerge.Transaction;

/**
 * One document's owner: its {@link Mailbox} plus the Automerge objects behind it (the
 * {@link Document}, each sync peer's {@link SyncState}, the batch's {@link PatchLog}), which are
 * touched only by the task the mailbox is running. Loads the document on first use, applies
 * changes, flushes outputs at the end of every batch (with per-peer flow control), persists (through
 * {@link DocumentPersistence}), and frees everything on eviction or shutdown, keeping
 * {@link NativeCounts} in step.
 *
 * <p>Only the volatile bookkeeping the host's sweeper reads ({@link #isLoaded()},
 * {@link #peerCount()}, {@link #lastUsed()}) may be read from other threads.
 */
final class DocumentOwner {
    private static final System.Logger LOG = System.getLogger(DocumentOwner.class.getName());

    final DocId id;
    final String key;
    private final DocumentHost host;
    private final DocumentPersistence persistence;
    private final DocumentHostConfig config;
    private final NativeCounts counts;
    private final Mailbox mailbox;
    private volatile int peerCount;
    private volatile boolean loadedFlag;

    // ---- owner-thread state
    private Document doc;
    private PatchLog batchLog;
    private boolean logTainted;
    private ChangeHash[] patchHeads;
    private ChangeHash[] flushedHeads;
    private byte[] cachedSave;
    private ChangeHash[] cachedSaveHeads;
    private int jsonPeers;
    private boolean reflushScheduled;
    private final LinkedHashMap<String, AttachedPeer> peers = new LinkedHashMap<>();
    private final List<Runnable> afterFlush = new ArrayList<>();

    DocumentOwner(DocumentHost host, DocId id) {
        this.id = id;
        this.key = id.toString();
        this.host = host;
        this.config = host.config();
        this.counts = host.nativeCounts();
        this.persistence = new DocumentPersistence(host.store(), id, config.compactEvery(), counts);
        this.mailbox = new Mailbox(key, host.executor(), config.maxBatch(), host::isClosed, host::addBusyNanos,
                this::flush, () -> host.forget(this));
    }

    // ---- any thread

    /** Queues work from a caller (counts as use of the document); false when this owner is retired or the host closed. */
    boolean offer(Runnable task) {
        return mailbox.offer(task);
    }

    /** Queues housekeeping (eviction, shutdown) that must not count as use; false when retired. */
    boolean offerInternal(Runnable task) {
        return mailbox.offerInternal(task);
    }

    boolean isLoaded() {
        return loadedFlag;
    }

    int peerCount() {
        return peerCount;
    }

    long lastUsed() {
        return mailbox.lastUsed();
    }

    // ---- owner thread

    /** The document; loaded by {@link #ensureLoaded()}. It must not escape the owner thread. */
    Document document() {
        return doc;
    }

    /** Runs {@code ack} after this batch's flush, i.e. once the batch's changes are persisted. */
    void afterFlush(Runnable ack) {
        afterFlush.add(ack);
    }

    void ensureLoaded() {
        if (doc != null) {
            return;
        }
        if (mailbox.isRetired()) {
            throw new DocException(DocException.UNAVAILABLE, "document closed: " + key);
        }
        Document d = persistence.load();
        doc = d;
        flushedHeads = d.getHeads();
        patchHeads = flushedHeads;
        loadedFlag = true;
        host.documentLoaded();
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

    /** The document's {@code save()} bytes at {@code heads} (its current heads), cached per heads. */
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
        AttachedPeer ap = new AttachedPeer(peer);
        if (peer.jsonMode()) {
            if (jsonPeers == 0) {
                patchHeads = heads;
            }
            jsonPeers++;
            ap.deliver(new DocOutput.View(key, Heads.hex(heads), JsonView.of(doc)));
        } else {
            ap.deliver(new DocOutput.Snapshot(key, snapshot(heads), Heads.hex(heads)));
            SyncState sync;
            try {
                sync = SyncState.decode(Heads.syncStateWithSharedHeads(heads));
            } catch (RuntimeException e) {
                sync = new SyncState();
            }
            ap.sync = sync;
            counts.syncStates.incrementAndGet();
        }
        peers.put(peer.peerId(), ap);
        peerCount = peers.size();
    }

    void detach(String peerId) {
        AttachedPeer ap = peers.remove(peerId);
        if (ap == null) {
            return;
        }
        if (ap.sync != null) {
            ap.sync.free();
            ap.sync = null;
            counts.syncStates.decrementAndGet();
        } else {
            jsonPeers--;
        }
        peerCount = peers.size();
        mailbox.touch();
    }

    void receiveSync(String peerId, byte[] message) {
        AttachedPeer ap = peers.get(peerId);
        if (ap == null || ap.sync == null) {
            throw DocException.notFound("peer " + peerId + " is not subscribed to " + key + " in sync mode");
        }
        if (message == null || message.length == 0) {
            throw DocException.badRequest("empty sync message");
        }
        PatchLog log = logForMutation();
        try {
            if (log == null) {
                doc.receiveSyncMessage(ap.sync, message);
            } else {
                doc.receiveSyncMessage(ap.sync, log, message);
            }
        } catch (RuntimeException e) {
            logTainted |= log != null;
            throw new DocException(DocException.BAD_REQUEST, "invalid sync message: " + e.getMessage(), e);
        }
        ap.received();
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

    /**
     * End of a batch: persist, patch JSON peers, one sync message per sync peer that needs one
     * (subject to flow control, see {@link AttachedPeer#sendSync}), acks.
     */
    void flush() {
        try {
            if (doc == null) {
                freeBatchLog();
                return;
            }
            ChangeHash[] heads = doc.getHeads();
            boolean changed = !Heads.same(heads, flushedHeads);
            if (!persistence.hasPersisted(heads)) {
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
                for (AttachedPeer ap : peers.values()) {
                    if (ap.sync == null) {
                        ap.deliver(out);
                    }
                }
                patchHeads = heads;
            }
            freeBatchLog();
            long now = System.nanoTime();
            long window = config.syncWindow().toNanos();
            long wait = Long.MAX_VALUE;
            for (AttachedPeer ap : peers.values()) {
                wait = Math.min(wait, ap.sendSync(doc, key, changed, now, window));
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

    /** Runs a flush after {@code nanos} (for deferred sync messages), once. */
    private void scheduleReflush(long nanos) {
        if (reflushScheduled || host.isClosed()) {
            return;
        }
        reflushScheduled = true;
        try {
            host.schedule(() -> offerInternal(() -> reflushScheduled = false), Math.max(nanos, 1_000_000));
        } catch (RejectedExecutionException e) {
            reflushScheduled = false;
        }
    }

    private void persist(ChangeHash[] heads) {
        try {
            persistence.append(doc, heads, () -> snapshot(heads));
        } catch (RuntimeException e) {
            host.persistFailed();
            LOG.log(System.Logger.Level.ERROR, "could not persist " + key + " (will retry)", e);
        }
    }

    /** Saves and frees the document if it has no peers (and, unless forced, has been idle long enough). */
    void evict(boolean force) {
        if (doc == null || !peers.isEmpty()) {
            return;
        }
        if (!force && System.nanoTime() - mailbox.lastUsed() <= config.idleEviction().toNanos()) {
            return;
        }
        flush();
        if (!persistence.hasPersisted(doc.getHeads())) {
            return; // store is failing: keep it in memory
        }
        unload();
        host.documentEvicted();
        mailbox.retire(true);
    }

    private void unload() {
        if (doc != null) {
            doc.free();
            doc = null;
            counts.documents.decrementAndGet();
            host.documentUnloaded();
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
            mailbox.retire(false);
        }
    }
}

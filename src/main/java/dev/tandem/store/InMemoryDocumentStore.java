package dev.tandem.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/** A {@link DocumentStore} in memory, for tests and ephemeral deployments. */
public final class InMemoryDocumentStore implements DocumentStore {
    private static final class Entry {
        byte[] snapshot;
        long snapshotSeq;
        final TreeMap<Long, byte[]> changes = new TreeMap<>();
    }

    private final Map<String, Entry> docs = new ConcurrentHashMap<>();
    private final AtomicLong appends = new AtomicLong();
    private final AtomicLong snapshots = new AtomicLong();

    @Override
    public Optional<StoredDocument> load(String docId) {
        Entry e = docs.get(docId);
        if (e == null) {
            return Optional.empty();
        }
        synchronized (e) {
            long last = e.changes.isEmpty() ? e.snapshotSeq : Math.max(e.snapshotSeq, e.changes.lastKey());
            return Optional.of(new StoredDocument(e.snapshot, e.snapshotSeq, new ArrayList<>(e.changes.values()), last));
        }
    }

    @Override
    public void appendChanges(String docId, long seq, byte[] changes) {
        Entry e = docs.computeIfAbsent(docId, k -> new Entry());
        synchronized (e) {
            if (e.changes.containsKey(seq) || seq <= e.snapshotSeq) {
                throw new IllegalStateException("duplicate seq " + seq + " for " + docId);
            }
            e.changes.put(seq, changes.clone());
        }
        appends.incrementAndGet();
    }

    @Override
    public void saveSnapshot(String docId, byte[] snapshot, List<String> heads, long uptoSeq) {
        Entry e = docs.computeIfAbsent(docId, k -> new Entry());
        synchronized (e) {
            e.snapshot = snapshot.clone();
            e.snapshotSeq = uptoSeq;
            e.changes.headMap(uptoSeq, true).clear();
        }
        snapshots.incrementAndGet();
    }

    @Override
    public void delete(String docId) {
        docs.remove(docId);
    }

    @Override
    public boolean isStored(String docId) {
        return docs.containsKey(docId);
    }

    @Override
    public Set<String> storedInRoom(String room) {
        return docs.keySet().stream().filter(id -> id.startsWith(room + "/")).collect(Collectors.toSet());
    }

    public long appendCount() {
        return appends.get();
    }

    public long snapshotCount() {
        return snapshots.get();
    }
}

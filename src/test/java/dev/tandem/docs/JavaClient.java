package dev.tandem.docs;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import jakarta.json.JsonValue;
import org.automerge.Document;
import org.automerge.SyncState;
import org.automerge.Transaction;

/** A Java Automerge replica connected to a DocumentHost the way the core will connect a sync-mode connection. */
final class JavaClient implements DocPeer, AutoCloseable {
    private final String peerId;
    private final DocumentHost host;
    private final String docId;
    private Document doc;
    private SyncState sync;
    private boolean online;

    JavaClient(String peerId, DocumentHost host, String docId) {
        this.peerId = peerId;
        this.host = host;
        this.docId = docId;
    }

    void connect() throws Exception {
        synchronized (this) {
            online = true;
        }
        host.attach(docId, this).toCompletableFuture().get();
    }

    void disconnect() throws Exception {
        synchronized (this) {
            online = false;
        }
        host.detach(docId, peerId).toCompletableFuture().get();
    }

    @Override
    public String peerId() {
        return peerId;
    }

    @Override
    public boolean jsonMode() {
        return false;
    }

    @Override
    public synchronized void deliver(DocOutput out) {
        if (!online) {
            return;
        }
        if (out instanceof DocOutput.Snapshot s) {
            if (sync != null) {
                sync.free();
            }
            if (doc == null) {
                doc = Document.load(s.data());
                sync = SyncState.decode(Heads.syncStateWithSharedHeads(doc.getHeads()));
            } else {
                doc.applyEncodedChanges(s.data()); // merge: keeps offline edits
                sync = new SyncState();
            }
            send();
        } else if (out instanceof DocOutput.Sync m) {
            doc.receiveSyncMessage(sync, m.data());
            send();
        }
    }

    private void send() {
        if (!online) {
            return;
        }
        Optional<byte[]> msg = doc.generateSyncMessage(sync);
        msg.ifPresent(bytes -> host.receiveSync(docId, peerId, bytes));
    }

    synchronized void change(Consumer<Transaction> fn) {
        Transaction tx = doc.startTransaction();
        fn.accept(tx);
        tx.commit();
        send();
    }

    synchronized List<String> heads() {
        return Heads.hex(doc.getHeads());
    }

    synchronized JsonValue view() {
        return JsonView.of(doc);
    }

    @Override
    public synchronized void close() {
        if (sync != null) {
            sync.free();
            sync = null;
        }
        if (doc != null) {
            doc.free();
            doc = null;
        }
    }
}

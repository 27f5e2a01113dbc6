package dev.tandem.docs;

import java.util.Optional;
import org.automerge.Document;
import org.automerge.SyncState;

/**
 * A peer attached to one document, as the document's {@link DocumentOwner} sees it: the
 * {@link DocPeer}, and for a sync-mode peer its {@link SyncState} and flow-control state. Touched
 * only on the owner thread.
 */
final class AttachedPeer {
    private static final System.Logger LOG = System.getLogger(AttachedPeer.class.getName());
    /** A peer that has not answered a change-carrying message gets more changes after this many sync windows. */
    private static final long AWAIT_WINDOWS = 20;

    private final DocPeer peer;
    /** Null for a JSON-mode peer. */
    SyncState sync;
    /** The peer sent a message: answer it in this flush. */
    private boolean pending;
    /** We owe the peer changes but held them back (flow control). */
    private boolean deferred;
    /** A message carrying changes was sent and the peer has not answered yet. */
    private boolean awaiting;
    private long sentAt;

    AttachedPeer(DocPeer peer) {
        this.peer = peer;
    }

    /** Hands {@code out} to the peer; a peer that throws is logged, never allowed to break the owner. */
    void deliver(DocOutput out) {
        try {
            peer.deliver(out);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "peer " + peer.peerId() + " failed to take " + out.getClass().getSimpleName(), e);
        }
    }

    /** The peer sent a sync message: it has answered us, and is owed a reply in this flush. */
    void received() {
        pending = true;
        awaiting = false;
    }

    /**
     * End of a batch: sends this sync-mode peer one sync message for {@code doc} if it needs one and
     * flow control lets it go now. Returns how many nanoseconds a held-back message must still wait,
     * or {@link Long#MAX_VALUE} when nothing is held back.
     *
     * @param changed whether the batch changed the document
     * @param now     {@link System#nanoTime()} at the start of the flush
     * @param window  the sync window in nanoseconds
     */
    long sendSync(Document doc, String docKey, boolean changed, long now, long window) {
        if (sync == null || !(changed || pending || deferred)) {
            return Long.MAX_VALUE;
        }
        // Flow control: while a peer has not answered our last message that carried changes,
        // new changes wait until it answers (or AWAIT_WINDOWS x syncWindow, in case a message was
        // lost) and then go out together: a busy client gets fewer, larger messages, which Automerge
        // applies far more cheaply than many small ones. Unsolicited pushes: one per syncWindow.
        // A reply that carries no changes (handshake, acknowledgement) goes out at once; anything
        // carrying changes at most once per syncWindow, so changes from many peers and many
        // batches reach each peer together.
        boolean carriesChanges = !sync.isInSync(doc);
        long hold = awaiting ? window * AWAIT_WINDOWS : pending && !carriesChanges ? 0 : window;
        if (now - sentAt < hold) {
            deferred = true;
            return hold - (now - sentAt);
        }
        pending = false;
        deferred = false;
        Optional<byte[]> msg = doc.generateSyncMessage(sync);
        if (msg.isPresent()) {
            deliver(new DocOutput.Sync(docKey, msg.get()));
            awaiting = carriesChanges;
            sentAt = now;
        }
        return Long.MAX_VALUE;
    }
}

package dev.tandem.session;

import dev.tandem.auth.Principal;
import dev.tandem.docs.DocException;
import dev.tandem.docs.DocId;
import dev.tandem.docs.DocOutput;
import dev.tandem.docs.DocPeer;
import dev.tandem.docs.DocumentHost;
import dev.tandem.protocol.DocFrames;
import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.Frame;
import dev.tandem.protocol.Frames;
import dev.tandem.protocol.ProtocolException;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The documents one session is subscribed to. The document host does the work on each document's
 * owner thread; this class checks permissions, turns frames into host calls and host output into frames.
 */
final class SessionDocuments {
    private final ClientSession session;
    private final DocumentHost host;
    private final DocumentQuota quota;
    /** Documents one connection may subscribe to at a time ({@code tandem.maxSubscriptions}). */
    private final int maxDocuments;
    private final Map<String, Peer> peers = new ConcurrentHashMap<>();

    SessionDocuments(ClientSession session, DocumentHost host, DocumentQuota quota, int maxDocuments) {
        this.session = session;
        this.host = host;
        this.quota = quota;
        this.maxDocuments = maxDocuments;
    }

    /** This session as a peer of one document: host output becomes reliable frames. */
    private final class Peer implements DocPeer {
        private final boolean json;

        Peer(boolean json) {
            this.json = json;
        }

        @Override
        public String peerId() {
            return session.id();
        }

        @Override
        public boolean jsonMode() {
            return json;
        }

        @Override
        public void deliver(DocOutput out) {
            if (out instanceof DocOutput.Patch patch) {
                session.replyEncoded(patch.encoded(p -> session.encode(toFrame(p))));
            } else {
                session.reply(toFrame(out));
            }
        }
    }

    void subscribe(DocFrames.Subscribe request) {
        DocId doc = parse(request.doc());
        if (request.jsonMode()) {
            session.requireRead(doc.room());
        } else {
            // Sync messages carry changes: only writers sync; read-only clients use json mode.
            session.requireWrite(doc.room());
        }
        Peer peer = new Peer(request.jsonMode());
        CompletionStage<Void> attached;
        // SSE clients may send requests concurrently: the map and the owner's queue see them in one order
        // (attach and detach are queued on the document's owner as they are called).
        synchronized (peers) {
            if (!peers.containsKey(doc.toString()) && peers.size() >= maxDocuments) {
                throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "at most " + maxDocuments + " documents per connection");
            }
            // Counted only once the room is granted, and only for writers: a client of another room, or a
            // read-only one, cannot use up this room's quota (a document nobody wrote to is not stored); a
            // reader still cannot open a new document in a room that is full.
            if (session.principal().canWrite(doc.room())) {
                quota.admit(doc.toString());
            } else {
                quota.check(doc.toString());
            }
            peers.put(doc.toString(), peer);
            attached = host.attach(doc.toString(), peer); // replaces this session's previous peer, if any
        }
        answer(request, attached, ignored -> session.reply(Frames.Ack.of(request.id())));
    }

    void unsubscribe(DocFrames.Unsubscribe request) {
        DocId doc = parse(request.doc());
        CompletionStage<Void> detached;
        synchronized (peers) {
            if (peers.remove(doc.toString()) == null) {
                throw new ProtocolException(ErrorCode.NOT_FOUND, "not subscribed to " + doc);
            }
            detached = host.detach(doc.toString(), session.id());
        }
        answer(request, detached, ignored -> session.reply(Frames.Ack.of(request.id())));
    }

    void sync(DocFrames.Sync request) {
        DocId doc = parse(request.doc());
        // Sync messages may carry changes: only writers sync; read-only clients use json mode.
        session.requireWrite(doc.room());
        if (!peers.containsKey(doc.toString())) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "send doc.subscribe before doc.sync for " + doc);
        }
        byte[] message = base64(request.data());
        answer(request, host.receiveSync(doc.toString(), session.id(), message), ignored -> {
            if (request.id() != null) {
                session.reply(Frames.Ack.of(request.id()));
            }
        });
    }

    void ops(DocFrames.Ops request) {
        DocId doc = parse(request.doc());
        session.requireWrite(doc.room());
        quota.admit(doc.toString());
        answer(request, host.applyOps(doc.toString(), request.ops()),
                heads -> session.reply(Frames.Ack.heads(request.id(), heads)));
    }

    /**
     * Refresh: the new token must still grant every subscribed document as {@link #subscribe} would, read
     * for a JSON-mode subscription and write for a sync-mode one (sync messages carry changes).
     */
    void requireGrantedBy(Principal next) {
        peers.forEach((doc, peer) -> {
            String room = DocId.parse(doc).room();
            if (!next.canRead(room) || (!peer.json && !next.canWrite(room))) {
                throw new ProtocolException(ErrorCode.FORBIDDEN, "the new token does not grant subscribed document "
                        + doc + (next.canRead(room) ? " in sync mode (read-only role)" : ""));
            }
        });
    }

    void detachAll() {
        synchronized (peers) {
            peers.keySet().forEach(doc -> host.detach(doc, session.id()));
            peers.clear();
        }
    }

    /**
     * The outbox dropped frames (overflow): a sync stream with holes is useless, so leave every
     * document but remember the subscriptions for {@link #reattachAll()}.
     */
    void suspendAll() {
        synchronized (peers) {
            peers.keySet().forEach(doc -> host.detach(doc, session.id()));
        }
    }

    /** After a resume that lost frames: each document starts over with a fresh snapshot and sync state. */
    void reattachAll() {
        synchronized (peers) {
            peers.forEach((doc, peer) -> host.attach(doc, peer));
        }
    }

    int count() {
        return peers.size();
    }

    private <T> void answer(Frame.Request request, CompletionStage<T> work, Consumer<T> onSuccess) {
        work.whenComplete((result, error) -> {
            if (error == null) {
                onSuccess.accept(result);
            } else {
                ProtocolException failure = toProtocolException(error);
                session.reply(failure.toFrameFor(request));
            }
        });
    }

    static ProtocolException toProtocolException(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof ProtocolException protocol) {
            return protocol;
        }
        if (cause instanceof DocException doc) {
            return new ProtocolException(codeOf(doc.code()), doc.getMessage());
        }
        return new ProtocolException(ErrorCode.INTERNAL, "document operation failed");
    }

    private static ErrorCode codeOf(String wire) {
        for (ErrorCode code : ErrorCode.values()) {
            if (code.wire().equals(wire)) {
                return code;
            }
        }
        return ErrorCode.INTERNAL;
    }

    private static DocId parse(String doc) {
        try {
            return DocId.parse(doc);
        } catch (DocException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, e.getMessage());
        }
    }

    private static byte[] base64(String data) {
        try {
            return Base64.getDecoder().decode(data);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "data must be base64");
        }
    }

    private static Frame toFrame(DocOutput out) {
        Base64.Encoder base64 = Base64.getEncoder();
        if (out instanceof DocOutput.Snapshot snapshot) {
            return new DocFrames.Snapshot(snapshot.docId(), snapshot.heads(), base64.encodeToString(snapshot.data()), null);
        }
        if (out instanceof DocOutput.View view) {
            return new DocFrames.Snapshot(view.docId(), view.heads(), null, view.view());
        }
        if (out instanceof DocOutput.Sync sync) {
            return new DocFrames.Sync(null, sync.docId(), base64.encodeToString(sync.data()));
        }
        DocOutput.Patch patch = (DocOutput.Patch) out;
        return new DocFrames.Patch(patch.docId(), patch.heads(), patch.patches());
    }
}

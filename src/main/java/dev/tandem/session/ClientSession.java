package dev.tandem.session;

import dev.tandem.auth.Principal;
import dev.tandem.docs.DocumentHost;
import dev.tandem.hub.Hub;
import dev.tandem.hub.Outbox;
import dev.tandem.hub.Outgoing;
import dev.tandem.hub.Subscriber;
import dev.tandem.protocol.AuthFrames;
import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.Frame;
import dev.tandem.protocol.FrameCodec;
import dev.tandem.protocol.Frames;
import dev.tandem.protocol.ProtocolException;
import jakarta.json.JsonValue;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.logging.Logger;

/**
 * One client's session: identity, topics ({@link SessionTopics}), documents ({@link SessionDocuments})
 * and the outbox. It outlives a dropped connection for the configured TTL, so the client resumes where
 * it stopped.
 */
public final class ClientSession implements Subscriber, Outbox.Listener {
    private static final Logger LOG = Logger.getLogger(ClientSession.class.getName());

    private final String id;
    private final SessionRegistry registry;
    private final FrameCodec codec;
    private final Outbox outbox;
    private final SessionDocuments documents;
    private final SessionTopics topics;
    private final Object attachLock = new Object();
    private final SessionRequests requests;
    private volatile boolean expiryWarned;
    private volatile Principal principal;
    private volatile Connection connection;
    /** True while the session, without a connection, has left its topics (guarded by attachLock). */
    private boolean leftTopics;

    ClientSession(String id, Principal principal, SessionRegistry registry, Hub hub, DocumentHost docs,
                  FrameCodec codec, SessionSettings settings) {
        this.id = id;
        this.principal = principal;
        this.registry = registry;
        this.codec = codec;
        this.outbox = new Outbox(settings.outboxMaxFrames(), settings.outboxMaxBytes(), settings.replayFrames(),
                settings.writer(), this);
        this.documents = new SessionDocuments(this, docs, registry.documentQuota(), registry.settings().maxSubscriptions());
        this.topics = new SessionTopics(this, hub);
        this.requests = new SessionRequests(this, registry, hub, codec, topics, documents,
                new RateLimiter(settings.security().publishRatePerSecond(), settings.security().publishBurst()));
    }

    public String id() {
        return id;
    }

    public Principal principal() {
        return principal;
    }

    @Override
    public String key() {
        return id;
    }

    @Override
    public String identity() {
        return principal.identity();
    }

    public boolean attached() {
        return connection != null;
    }

    /** Decodes and handles one frame from the client; every failure becomes an error frame. */
    public void receive(String text) {
        requests.receive(text);
    }

    /**
     * Handles a POSTed body: one frame, or an array of frames handled in order; returns how many were
     * handled before the outbox was found overflowed (see {@link SessionRequests#receive(JsonValue)}).
     */
    public int receive(JsonValue body) {
        return requests.receive(body);
    }

    /** Whether the outbox overflowed: the session is being cut as a slow consumer and drops what it is given. */
    boolean outboxOverflowed() {
        return outbox.isOverflowed();
    }

    /** Takes a refreshed token (already checked by {@link SessionRequests}); warns again before it expires. */
    void swapPrincipal(Principal next) {
        principal = next;
        expiryWarned = false;
    }

    /**
     * Throws {@code forbidden} unless {@code next} grants every topic and document this session is
     * subscribed to (a refresh or a resume must not widen what a token allows).
     */
    void requireGrantedBy(Principal next) {
        topics.requireGrantedBy(next);
        documents.requireGrantedBy(next);
    }

    /** Whether {@code next} grants every subscribed topic and document (see {@link #requireGrantedBy}). */
    boolean grantedBy(Principal next) {
        try {
            requireGrantedBy(next);
            return true;
        } catch (ProtocolException e) {
            return false;
        }
    }

    /** Sends {@code token_expiring} once per token. */
    void warnTokenExpiring() {
        if (!expiryWarned && connection != null) {
            expiryWarned = true;
            reply(new AuthFrames.TokenExpiring(principal.expiresAt().toEpochMilli()));
        }
    }

    void requireRead(String room) {
        if (!principal.canRead(room)) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "token does not grant room " + room);
        }
    }

    void requireWrite(String room) {
        requireRead(room);
        if (!principal.canWrite(room)) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "role " + principal.role().wire() + " is read-only");
        }
    }

    /** Queues a reply (ack, error, pong...) on the reliable lane. */
    public void reply(Frame frame) {
        replyEncoded(codec.encode(frame));
    }

    /** Queues a frame already encoded by {@link #encode} (one encoding shared by several sessions). */
    void replyEncoded(String text) {
        outbox.offer(text, FrameCodec.utf8Length(text));
    }

    /** The frame as this session's codec writes it. */
    String encode(Frame frame) {
        return codec.encode(frame);
    }

    /** Queues a frame on the lossy lane, replacing any frame still waiting under the same key. */
    public void sendLossy(String key, Frame frame) {
        outbox.offerLossy(key, codec.encode(frame));
    }

    @Override
    public ReplayBudget replayBudget() {
        return outbox.replayBudget();
    }

    @Override
    public void deliver(Outgoing frame) {
        long position = outbox.offer(frame);
        if (position > 0 && frame.topic() != null) {
            topics.queued(frame);
        }
    }

    @Override
    public boolean offerEvent(Outgoing event) {
        long position = outbox.offerEvent(event);
        if (position > 0) {
            topics.queued(event);
        }
        // Refused (no room), or dropped by an overflowed outbox: either way the topic stops pushing, and the
        // session catches up once it has room, or re-subscribes from its position when it resumes.
        return position > 0;
    }

    @Override
    public void onRoomForEvents() {
        // Called where a write completed, maybe a container's I/O thread: catch up on a writer thread.
        registry.settings().writer().execute(topics::catchUpAll);
    }

    @Override
    public void fellBehind() {
        // Called under a topic lock, as onOverflow.
        registry.settings().writer().execute(() -> {
            synchronized (attachLock) {
                topics.leaveAll();
                leftTopics = true;
            }
            LOG.fine(() -> "session " + id + " fell behind a topic's history; closing its connection");
            sayGoodbye(ErrorCode.SLOW_CONSUMER, "fell behind the topic's history: the client reads too slowly", true);
        });
    }

    // --- connection lifecycle -------------------------------------------------------------------

    /** Starts writing to a new connection, first the welcome, then everything queued. */
    void attachNew(Connection newConnection, Frames.Welcome welcome, CompletionStage<?> notBefore) {
        synchronized (attachLock) {
            newConnection.bind(id);
            connection = newConnection;
            outbox.attach(newConnection, codec.encode(welcome), 0, notBefore);
        }
    }

    /**
     * Moves the session to {@code newConnection}, continuing after position {@code lastSeen}. When the
     * frames after it are gone, or the outbox overflowed meanwhile, every topic is re-subscribed from the
     * last position queued, which replays the missing events or resets the topic.
     */
    void resume(Connection newConnection, long lastSeen, Principal refreshed, Frames.Welcome welcome) {
        Connection previous;
        CompletableFuture<Void> previousIdle = new CompletableFuture<>();
        synchronized (attachLock) {
            previous = connection;
            if (previous != null) {
                outbox.detach(previous, () -> previousIdle.complete(null));
            }
            principal = refreshed;
            boolean exact = outbox.rewindTo(lastSeen);
            // Rewound past the room for events, the queue would overflow with the next reply: replay from
            // the topics' histories instead, paced by the connection.
            boolean overflowed = outbox.isOverflowed() || exact && !outbox.hasRoomForEvents();
            newConnection.bind(id);
            connection = newConnection;
            if (!exact) {
                outbox.discardQueued();
                outbox.clearOverflow();
                topics.resubscribeAll(Map.of(), true);
                documents.reattachAll();
            } else if (overflowed) {
                // Frames were dropped after the overflow: drop the queue too and let history replay
                // each topic from where the client stands, with the whole outbox as budget.
                Map<String, Frames.Position> standing = outbox.positionsBeforeQueued();
                outbox.discardQueued();
                outbox.clearOverflow();
                topics.resubscribeAll(standing, false);
                documents.reattachAll();
            } else if (leftTopics) {
                // Everything queued before the connection was lost is still in the outbox; history
                // replays each topic after the last event queued.
                topics.resubscribeAll(Map.of(), false);
            }
            leftTopics = false;
            outbox.attach(newConnection, codec.encode(welcome), exact ? lastSeen : outbox.firstQueuedPosition() - 1);
        }
        if (previous != null && previous != newConnection) {
            replaced(previous, previousIdle);
        }
    }

    /**
     * Tells the connection that lost the session why, with {@code bye replaced} (reconnect: false) once its
     * write in flight is done, then closes it; an SSE stream has no close code, and an {@code EventSource}
     * that is not told would reconnect and take the session back. Closed after the grace period regardless.
     */
    private void replaced(Connection previous, CompletableFuture<Void> previousIdle) {
        String message = "session resumed on another connection";
        Runnable close = () -> previous.close(ErrorCode.REPLACED, message);
        String bye = codec.encode(new Frames.Bye(ErrorCode.REPLACED.wire(), message, false));
        // On a writer thread: a JAX-RS runtime that writes an event of another request (RESTEasy) swaps that
        // request's context onto the current thread, which may be the request resuming the session.
        previousIdle.thenRunAsync(() -> {
            try {
                previous.write(bye, -1).whenComplete((ignored, error) -> close.run());
            } catch (RuntimeException e) {
                close.run();
            }
        }, registry.settings().writer());
        registry.afterGrace(close);
    }

    /**
     * The transport saw its connection end. The session is retained for the TTL, but it leaves its
     * topics: a retained session kept subscribed took its share of every fan-out and filled its outbox
     * to the overflow bound (after a mass disconnect, thousands of dead sessions multiplied the cost
     * of each publish; bench/PROFILING.md). The positions stay, and a resume re-subscribes from them.
     */
    public void connectionClosed(Connection closed) {
        synchronized (attachLock) {
            if (connection != closed) {
                return;
            }
            connection = null;
            outbox.detach(closed);
            // Under attachLock (lock order attachLock -> topic, as in resume): a resume cannot interleave.
            topics.leaveAll();
            leftTopics = true;
        }
        registry.detached(this);
    }

    @Override
    public void onOverflow() {
        Connection overflowedOn = connection;
        // Called under a topic lock: leave the hub from another thread to keep lock order simple.
        registry.settings().writer().execute(() -> {
            synchronized (attachLock) {
                if (connection != overflowedOn) {
                    return; // resumed meanwhile: the resume dropped the queue and re-subscribed every topic
                }
                topics.leaveAll();
                leftTopics = true;
            }
            documents.suspendAll();
            LOG.fine(() -> "session " + id + " is a slow consumer; closing its connection");
            sayGoodbye(ErrorCode.SLOW_CONSUMER, "outbox overflow: the client reads too slowly", true);
        });
    }

    @Override
    public void onSinkFailed(Outbox.Sink sink, Throwable error) {
        if (sink instanceof Connection failed) {
            LOG.fine(() -> "session " + id + ": write failed: " + error);
            connectionClosed(failed);
            failed.close(ErrorCode.INTERNAL, "write failed");
        }
    }

    /** Ends the session for good: leaves every topic and closes the connection. */
    void end(ErrorCode code, String message) {
        topics.leaveAll();
        documents.detachAll();
        sayGoodbye(code, message, code == ErrorCode.SHUTDOWN);
    }

    /**
     * Sends {@code bye} after the write in flight, then closes the connection; a connection that does
     * not take the bye within the grace period is closed anyway. The session stays for a resume.
     */
    private void sayGoodbye(ErrorCode code, String message, boolean reconnect) {
        Connection current;
        synchronized (attachLock) {
            current = connection;
            connection = null;
        }
        if (current == null) {
            return;
        }
        String bye = codec.encode(new Frames.Bye(code.wire(), message, reconnect));
        Runnable close = () -> current.close(code, message);
        outbox.finish(current, bye, close);
        registry.afterGrace(close);
        registry.detached(this);
    }

    void heartbeat(Frames.Ping ping) {
        Connection current = connection;
        if (current != null) {
            outbox.offerLossy("ping", codec.encode(ping));
            current.keepAlive();
        }
    }

    public int subscriptionCount() {
        return topics.count();
    }
}

package dev.tandem.session;

import dev.tandem.auth.Principal;
import dev.tandem.hub.Hub;
import dev.tandem.protocol.AuthFrames;
import dev.tandem.protocol.DocFrames;
import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.Frame;
import dev.tandem.protocol.FrameCodec;
import dev.tandem.protocol.Frames;
import dev.tandem.protocol.ProtocolException;
import dev.tandem.protocol.TopicName;
import jakarta.json.JsonArray;
import jakarta.json.JsonValue;
import java.util.HashSet;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What a client asks of its session: each request frame is checked against the session's token and
 * limits, then handed to the hub, the session's topics or its documents; the answer (ack or error) is
 * queued on the session's outbox.
 */
final class SessionRequests {
    private static final Logger LOG = Logger.getLogger(SessionRequests.class.getName());

    private final ClientSession session;
    private final SessionRegistry registry;
    private final Hub hub;
    private final FrameCodec codec;
    private final SessionTopics topics;
    private final SessionDocuments documents;
    private final RateLimiter publishRate;

    SessionRequests(ClientSession session, SessionRegistry registry, Hub hub, FrameCodec codec, SessionTopics topics,
                    SessionDocuments documents, RateLimiter publishRate) {
        this.session = session;
        this.registry = registry;
        this.hub = hub;
        this.codec = codec;
        this.topics = topics;
        this.documents = documents;
        this.publishRate = publishRate;
    }

    /** Decodes and handles one frame from the client; every failure becomes an error frame. */
    void receive(String text) {
        Frame.Request request;
        try {
            request = codec.decode(text);
        } catch (ProtocolException e) {
            session.reply(e.toFrame());
            return;
        }
        handle(request);
    }

    /**
     * Handles a POSTed body: one frame, or an array of frames handled in order; returns how many were
     * handled. An array longer than {@link SessionSettings#maxFramesPerPost()} is refused whole
     * ({@code too_large}). Handling stops at the first frame that finds the outbox overflowed (the session
     * is being cut as a slow consumer and would drop its reply): the client sends the rest again once its
     * stream has resumed.
     */
    int receive(JsonValue body) {
        int max = registry.settings().maxFramesPerPost();
        if (body instanceof JsonArray frames && frames.size() > max) {
            throw new ProtocolException(ErrorCode.TOO_LARGE, "at most " + max + " frames in one body "
                    + "(welcome.maxFramesPerPost): send the rest in the next");
        }
        List<JsonValue> frames = body instanceof JsonArray array ? array : List.of(body);
        int handled = 0;
        for (JsonValue frame : frames) {
            if (session.outboxOverflowed()) {
                break;
            }
            receiveParsed(frame);
            handled++;
        }
        return handled;
    }

    private void receiveParsed(JsonValue value) {
        try {
            handle(codec.decode(value));
        } catch (ProtocolException e) {
            session.reply(e.toFrame());
        }
    }

    void handle(Frame.Request request) {
        try {
            if (request instanceof Frames.Subscribe subscribe) {
                subscribe(subscribe);
            } else if (request instanceof Frames.Unsubscribe unsubscribe) {
                unsubscribe(unsubscribe);
            } else if (request instanceof Frames.Publish publish) {
                publish(publish);
            } else if (request instanceof DocFrames.Sync sync) {
                documents.sync(sync);
            } else if (request instanceof DocFrames.Ops ops) {
                documents.ops(ops);
            } else if (request instanceof DocFrames.Subscribe subscribe) {
                documents.subscribe(subscribe);
            } else if (request instanceof AuthFrames.Refresh refresh) {
                refresh(refresh);
            } else if (request instanceof DocFrames.Unsubscribe unsubscribe) {
                documents.unsubscribe(unsubscribe);
            } else if (request instanceof Frames.Ping ping) {
                session.reply(new Frames.Pong(ping.id(), ping.ts()));
            } else if (request instanceof Frames.Hello) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "this connection is already authenticated");
            }
            // A pong needs no answer.
        } catch (ProtocolException e) {
            session.reply(e.toFrameFor(request));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "session " + session.id() + ": " + request.getClass().getSimpleName() + " failed", e);
            session.reply(new ProtocolException(ErrorCode.INTERNAL, "internal error").toFrameFor(request));
        }
    }

    private void subscribe(Frames.Subscribe request) {
        TopicName topic = TopicName.parse(request.topic());
        session.requireRead(topic.room());
        if (!session.principal().canSubscribe(topic.room(), topic.channel())) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "token does not grant subscribing to " + topic);
        }
        topics.subscribe(topic, request.since(), request.id(), registry.settings().maxSubscriptions());
    }

    private void unsubscribe(Frames.Unsubscribe request) {
        TopicName topic = TopicName.parse(request.topic());
        topics.unsubscribe(topic);
        session.reply(Frames.Ack.of(request.id()));
    }

    private void publish(Frames.Publish request) {
        TopicName topic = TopicName.parse(request.topic());
        session.requireWrite(topic.room());
        if (!session.principal().canPublish(topic.room(), topic.channel())) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "token does not grant publishing to " + topic);
        }
        if (!publishRate.tryAcquire()) {
            throw new ProtocolException(ErrorCode.RATE_LIMITED, "publishing faster than the connection's rate limit");
        }
        Frames.Position at = hub.publish(topic, request.data(), session.principal().identity(),
                request.to() == null ? null : new HashSet<>(request.to()));
        session.reply(new Frames.Ack(request.id(), topic.toString(), at.epoch(), at.seq(), null));
    }

    /**
     * Swaps the token: it must verify and name the same identity, and still grant every subscribed topic
     * and document; otherwise nothing changes.
     */
    private void refresh(AuthFrames.Refresh request) {
        Principal next = registry.verify(request.token());
        if (!next.identity().equals(session.principal().identity())) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "a refreshed token must be for the same identity");
        }
        session.requireGrantedBy(next);
        session.swapPrincipal(next);
        session.reply(Frames.Ack.of(request.id()));
    }
}

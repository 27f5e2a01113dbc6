package dev.tandem.protocol;

import jakarta.json.JsonArray;
import jakarta.json.JsonValue;
import java.util.List;

/** The frames of the core protocol; {@code docs/protocol.md} documents each with an example. */
public final class Frames {
    private Frames() {
    }

    /** A resume position inside a topic: the epoch and the last sequence number seen. */
    public record Position(String epoch, Long seq) {
        /** Internal marker: the client's position is not known, so the topic is reset. */
        public static final Position UNKNOWN = new Position("", 0L);

        public boolean isUnknown() {
            return epoch.isEmpty();
        }
    }

    /** First frame of a connection that did not put its token in the URL. */
    /** A missing or empty token is not a malformed frame: the connection refuses it as {@code unauthorized}. */
    public record Hello(String id, String token) implements Frame.Request {
        @Override
        public void validate() {
        }
    }

    public record Subscribe(String id, String topic, Position since) implements Frame.Request {
        @Override
        public void validate() {
            Validation.required(id, "id");
            TopicName.parse(topic);
            if (since != null) {
                Validation.required(since.epoch(), "since.epoch");
                Validation.required(since.seq(), "since.seq");
                if (since.seq() < 0) {
                    throw new ProtocolException(ErrorCode.BAD_REQUEST, "since.seq must be >= 0");
                }
            }
        }
    }

    public record Unsubscribe(String id, String topic) implements Frame.Request {
        @Override
        public void validate() {
            Validation.required(id, "id");
            TopicName.parse(topic);
        }
    }

    /** Publishes {@code data} on a topic, to every subscriber or only to the identities in {@code to}. */
    public record Publish(String id, String topic, JsonValue data, List<String> to) implements Frame.Request {
        @Override
        public void validate() {
            Validation.required(id, "id");
            TopicName.parse(topic);
            Validation.required(data, "data");
            if (to != null && (to.isEmpty() || to.stream().anyMatch(t -> t == null || t.isBlank()))) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "to must be a non-empty list of identities");
            }
        }
    }

    /** A ping from either side, answered by a {@code pong} with the same id (a client's ping needs no id). */
    public record Ping(String id, Long ts) implements Frame.Request {
        @Override
        public void validate() {
        }
    }

    /** Answer to a ping. */
    public record Pong(String id, Long ts) implements Frame.Request {
        @Override
        public void validate() {
        }
    }

    public record Welcome(String id, String session, String identity, String name, List<String> rooms,
                          String role, Boolean resumed, Long heartbeatMs, Long maxFrameBytes,
                          Long maxDocumentFrameBytes, Long maxFramesPerPost, Long expiresAt)
            implements Frame.Reply {
    }

    /** Positive answer to a request; topic and position are set for subscribe and publish. */
    public record Ack(String id, String topic, String epoch, Long seq, Boolean recovered, List<String> heads)
            implements Frame.Reply {
        public Ack(String id, String topic, String epoch, Long seq, Boolean recovered) {
            this(id, topic, epoch, seq, recovered, null);
        }

        public static Ack of(String id) {
            return new Ack(id, null, null, null, null, null);
        }

        /** Ack of a document change: the document's heads after it. */
        public static Ack heads(String id, List<String> heads) {
            return new Ack(id, null, null, null, null, heads);
        }
    }

    /** A refused request: its {@code id} (if it had one) and, for a document request, its {@code doc}. */
    public record Error(String id, String code, String message, String doc) implements Frame.Reply {
        public Error(String id, String code, String message) {
            this(id, code, message, null);
        }
    }

    /**
     * Current state of a topic at {@code seq}: for a log channel the last events, for a state channel
     * its JSON value. Live events with a higher seq follow.
     */
    public record Snapshot(String topic, String epoch, Long seq, String kind, JsonValue state, JsonArray events)
            implements Frame.Reply {
    }

    /** One reliable event; {@code redacted} events were addressed to other identities and carry no data. */
    public record Event(String topic, String epoch, Long seq, JsonValue data, String from, Long ts,
                        Boolean redacted) implements Frame.Reply {
    }

    /** History no longer covers the requested position: a fresh snapshot follows. */
    public record Reset(String topic, String epoch, Long seq, String reason) implements Frame.Reply {
    }

    /** The server ends the connection; {@code reconnect} says whether resuming makes sense. */
    public record Bye(String code, String message, Boolean reconnect) implements Frame.Reply {
    }
}

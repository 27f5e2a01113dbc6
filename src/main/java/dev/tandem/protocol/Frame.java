package dev.tandem.protocol;

import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;

/**
 * Every frame on the wire, in both directions. JSON-B writes and reads the {@code type} key from
 * the aliases below; {@link FrameCodec} adds strict validation and typed errors on top.
 */
@JsonbTypeInfo(key = "type", value = {
        @JsonbSubtype(alias = "hello", type = Frames.Hello.class),
        @JsonbSubtype(alias = "welcome", type = Frames.Welcome.class),
        @JsonbSubtype(alias = "subscribe", type = Frames.Subscribe.class),
        @JsonbSubtype(alias = "unsubscribe", type = Frames.Unsubscribe.class),
        @JsonbSubtype(alias = "publish", type = Frames.Publish.class),
        @JsonbSubtype(alias = "ack", type = Frames.Ack.class),
        @JsonbSubtype(alias = "error", type = Frames.Error.class),
        @JsonbSubtype(alias = "snapshot", type = Frames.Snapshot.class),
        @JsonbSubtype(alias = "event", type = Frames.Event.class),
        @JsonbSubtype(alias = "reset", type = Frames.Reset.class),
        @JsonbSubtype(alias = "ping", type = Frames.Ping.class),
        @JsonbSubtype(alias = "pong", type = Frames.Pong.class),
        @JsonbSubtype(alias = "bye", type = Frames.Bye.class),
        @JsonbSubtype(alias = "doc.subscribe", type = DocFrames.Subscribe.class),
        @JsonbSubtype(alias = "doc.unsubscribe", type = DocFrames.Unsubscribe.class),
        @JsonbSubtype(alias = "doc.sync", type = DocFrames.Sync.class),
        @JsonbSubtype(alias = "doc.ops", type = DocFrames.Ops.class),
        @JsonbSubtype(alias = "doc.snapshot", type = DocFrames.Snapshot.class),
        @JsonbSubtype(alias = "doc.patch", type = DocFrames.Patch.class),
        @JsonbSubtype(alias = "refresh", type = AuthFrames.Refresh.class),
        @JsonbSubtype(alias = "token_expiring", type = AuthFrames.TokenExpiring.class)
})
public sealed interface Frame permits Frame.Request, Frame.Reply {

    /** A frame a client sends; carries an {@code id} answered by exactly one {@code ack} or {@code error}. */
    sealed interface Request extends Frame permits Frames.Hello, Frames.Subscribe, Frames.Unsubscribe,
            Frames.Publish, Frames.Ping, Frames.Pong, DocFrames.DocRequest, AuthFrames.Refresh {
        String id();

        /** Throws {@link ProtocolException} with {@link ErrorCode#BAD_REQUEST} when a field is missing or invalid. */
        void validate();
    }

    /** A frame only the server sends; {@code ping} and {@code pong} go both ways and are requests. */
    sealed interface Reply extends Frame permits Frames.Welcome, Frames.Ack, Frames.Error, Frames.Snapshot,
            Frames.Event, Frames.Reset, Frames.Bye, DocFrames.Snapshot, DocFrames.Patch,
            AuthFrames.TokenExpiring {
    }
}

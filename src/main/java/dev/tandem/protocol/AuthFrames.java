package dev.tandem.protocol;

/** Frames that manage a live connection's credentials ({@code docs/protocol.md}, "Tokens on a live connection"). */
public final class AuthFrames {
    private AuthFrames() {
    }

    /** Swaps the connection's token for a fresh one of the same identity; subscriptions stay. */
    public record Refresh(String id, String token) implements Frame.Request {
        @Override
        public void validate() {
            Validation.required(id, "id");
            Validation.required(token, "token");
        }
    }

    /** The connection's token expires at {@code expiresAt} (epoch ms): send {@code refresh} before then. */
    public record TokenExpiring(Long expiresAt) implements Frame.Reply {
    }
}

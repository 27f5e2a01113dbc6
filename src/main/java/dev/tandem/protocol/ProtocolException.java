package dev.tandem.protocol;

/** A request that cannot be honoured; becomes an {@code error} frame with the request's id. */
public final class ProtocolException extends RuntimeException {
    private final ErrorCode code;
    private final String requestId;

    public ProtocolException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public ProtocolException(ErrorCode code, String message, String requestId) {
        super(message, null, false, false);
        this.code = code;
        this.requestId = requestId;
    }

    public ErrorCode code() {
        return code;
    }

    public String requestId() {
        return requestId;
    }

    public ProtocolException withRequestId(String id) {
        return new ProtocolException(code, getMessage(), id);
    }

    public Frames.Error toFrame() {
        return new Frames.Error(requestId, code.wire(), getMessage());
    }
}

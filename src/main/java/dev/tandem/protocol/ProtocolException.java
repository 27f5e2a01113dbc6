package dev.tandem.protocol;

/**
 * A request that cannot be honoured; becomes an {@code error} frame with the request's id and, for a
 * document request, its doc.
 */
public final class ProtocolException extends RuntimeException {
    private final ErrorCode code;
    private final String requestId;
    private final String doc;

    public ProtocolException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public ProtocolException(ErrorCode code, String message, String requestId) {
        this(code, message, requestId, null);
    }

    private ProtocolException(ErrorCode code, String message, String requestId, String doc) {
        super(message, null, false, false);
        this.code = code;
        this.requestId = requestId;
        this.doc = doc;
    }

    public ErrorCode code() {
        return code;
    }

    public String requestId() {
        return requestId;
    }

    public ProtocolException withRequestId(String id) {
        return new ProtocolException(code, getMessage(), id, doc);
    }

    /** The same error about document {@code doc}. */
    public ProtocolException withDoc(String doc) {
        return new ProtocolException(code, getMessage(), requestId, doc);
    }

    /** The same error about {@code request}: its id and, for a document request, its doc. */
    public ProtocolException about(Frame.Request request) {
        String requestDoc = request instanceof DocFrames.DocRequest docRequest ? docRequest.doc() : null;
        return new ProtocolException(code, getMessage(), request.id(), requestDoc != null ? requestDoc : doc);
    }

    public Frames.Error toFrame() {
        return new Frames.Error(requestId, code.wire(), getMessage(), doc);
    }

    /** The error answering {@code request}: with its id and, for a document request, its doc. */
    public Frames.Error toFrameFor(Frame.Request request) {
        return about(request).toFrame();
    }
}

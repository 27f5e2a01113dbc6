package dev.tandem.protocol;

/**
 * Stable error and disconnect codes: the {@code code} of {@code error} and {@code bye} frames, and the
 * WebSocket close code used when a connection ends for that reason.
 */
public enum ErrorCode {
    BAD_REQUEST("bad_request", 4400),
    UNKNOWN_TYPE("unknown_type", 4400),
    TOO_LARGE("too_large", 4413),
    UNAUTHORIZED("unauthorized", 4401),
    FORBIDDEN("forbidden", 4403),
    NOT_FOUND("not_found", 4404),
    RATE_LIMITED("rate_limited", 4429),
    TOKEN_EXPIRED("token_expired", 4402),
    SLOW_CONSUMER("slow_consumer", 4008),
    SESSION_EXPIRED("session_expired", 4410),
    LIMIT_EXCEEDED("limit_exceeded", 4429),
    REPLACED("replaced", 4409),
    SHUTDOWN("shutdown", 4503),
    INTERNAL("internal", 4500);

    private final String wire;
    private final int closeCode;

    ErrorCode(String wire, int closeCode) {
        this.wire = wire;
        this.closeCode = closeCode;
    }

    /** The code as it appears on the wire. */
    public String wire() {
        return wire;
    }

    /** WebSocket close status (4000-4999, application range) when a connection ends with this code. */
    public int closeCode() {
        return closeCode;
    }

    /** The HTTP status of a REST answer, or of a refused SSE stream, that fails with this code. */
    public int httpStatus() {
        return switch (this) {
            case BAD_REQUEST, UNKNOWN_TYPE -> 400;
            case UNAUTHORIZED, TOKEN_EXPIRED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND, SESSION_EXPIRED -> 404;
            case TOO_LARGE -> 413;
            case RATE_LIMITED, LIMIT_EXCEEDED -> 429;
            case SHUTDOWN -> 503;
            default -> 500;
        };
    }

    /** The JSON body of such an HTTP answer: {@code {"code": ..., "message": ...}}. */
    public String httpBody(String message) {
        return JsonSupport.JSON.createObjectBuilder().add("code", wire).add("message", message == null ? "" : message)
                .build().toString();
    }
}

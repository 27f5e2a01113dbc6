package dev.tandem.client;

/**
 * A refusal from Tandem ({@code code} as in docs/protocol.md: {@code unauthorized}, {@code forbidden},
 * {@code bad_request}, {@code not_found}, {@code too_large}, {@code rate_limited}...), or a client-side
 * failure ({@code disconnected}, {@code timeout}, {@code closed}, {@code unavailable}).
 */
public final class TandemException extends RuntimeException {
    private final String code;
    private final int status;

    public TandemException(String code, String message) {
        this(code, message, 0, null);
    }

    public TandemException(String code, String message, int status, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = code;
        this.status = status;
    }

    /** The error code, e.g. {@code forbidden}. */
    public String code() {
        return code;
    }

    /** The HTTP status of a REST refusal; 0 for realtime errors and client-side failures. */
    public int status() {
        return status;
    }
}

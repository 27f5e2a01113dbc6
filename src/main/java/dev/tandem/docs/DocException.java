package dev.tandem.docs;

/**
 * A typed error from the document engine. {@link #code()} is one of the protocol's stable error
 * codes ({@code bad_request}, {@code not_found}, {@code too_large}, {@code internal}), so the core
 * can turn it into an {@code error} frame or an HTTP status without parsing messages.
 */
public class DocException extends RuntimeException {
    public static final String BAD_REQUEST = "bad_request";
    public static final String NOT_FOUND = "not_found";
    public static final String TOO_LARGE = "too_large";
    public static final String INTERNAL = "internal";
    public static final String UNAVAILABLE = "unavailable";

    private final String code;

    public DocException(String code, String message) {
        super(message);
        this.code = code;
    }

    public DocException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static DocException badRequest(String message) {
        return new DocException(BAD_REQUEST, message);
    }

    public static DocException notFound(String message) {
        return new DocException(NOT_FOUND, message);
    }

    @Override
    public String toString() {
        return "DocException[" + code + "]: " + getMessage();
    }
}

package dev.tandem.store;

/** A persistence failure (wraps the driver's exception). */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}

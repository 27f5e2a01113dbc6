package dev.tandem.protocol;

import jakarta.json.spi.JsonProvider;

/** The JSON-P provider, looked up once: {@code Json.*} static methods repeat the service lookup on every call. */
public final class JsonSupport {
    public static final JsonProvider JSON = JsonProvider.provider();

    private JsonSupport() {
    }
}

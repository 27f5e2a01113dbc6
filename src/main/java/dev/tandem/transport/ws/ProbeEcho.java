package dev.tandem.transport.ws;

import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;

/**
 * TEMPORARY infrastructure probe: echoes text frames at {@code /api/realtime}. It proves that a
 * JSR-356 endpoint at that path coexists with JAX-RS mapped at {@code /api} on Payara and WildFly
 * ({@code SmokeIT}). Replace it with the real Tandem endpoint (same path) and delete this class.
 */
@ServerEndpoint("/api/realtime")
public class ProbeEcho {

    @OnMessage
    public String echo(String text) {
        return text;
    }
}

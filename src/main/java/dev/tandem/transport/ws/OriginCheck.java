package dev.tandem.transport.ws;

import dev.tandem.config.TandemConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * The WebSocket {@code Origin} policy. With {@code tandem.allowedOrigins} set, the container refuses every
 * other browser origin ({@link #checkOrigin}, HTTP 403). Without it, browsers must be same-origin: the
 * Host header is only known in the handshake, so a foreign origin is marked there and the endpoint closes
 * the connection at once with {@code forbidden}. Clients that send no Origin (servers, CLIs) are allowed.
 */
public final class OriginCheck extends ServerEndpointConfig.Configurator {
    static final String REJECTED_ORIGIN = "tandem.rejectedOrigin";

    private final List<String> allowed = TandemConfig.fromEnvironment().security().allowedOrigins().stream()
            .map(OriginCheck::normalize).toList();

    @Override
    public boolean checkOrigin(String origin) {
        if (origin == null || origin.isBlank() || allowed.isEmpty()) {
            return true;
        }
        return allowed.contains("*") || allowed.contains(normalize(origin));
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        super.modifyHandshake(config, request, response);
        String origin = first(request.getHeaders().get("Origin"));
        if (allowed.isEmpty() && origin != null && !origin.isBlank()
                && !sameOrigin(origin, first(request.getHeaders().get("Host")))) {
            config.getUserProperties().put(REJECTED_ORIGIN, origin);
        }
    }

    /** {@code Origin: scheme://host[:port]} against {@code Host: host[:port]}, default ports filled in. */
    static boolean sameOrigin(String origin, String host) {
        if (host == null) {
            return false;
        }
        try {
            URI uri = URI.create(origin.trim());
            int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
            URI hostUri = URI.create("http://" + host.trim());
            int hostPort = hostUri.getPort() >= 0 ? hostUri.getPort() : port;
            return uri.getHost() != null && uri.getHost().equalsIgnoreCase(hostUri.getHost()) && port == hostPort;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String normalize(String origin) {
        String trimmed = origin.trim().toLowerCase(Locale.ROOT);
        return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }

    private static String first(List<String> values) {
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}

package dev.tandem.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * Activates JAX-RS under {@code /api}: REST lives under {@code /api/v1}, the SSE transport under
 * {@code /api/realtime/sse}. The JSR-356 endpoint at {@code /api/realtime} coexists with this
 * mapping on Payara (Jersey) and WildFly (RESTEasy): verified by {@code SmokeIT}.
 * Empty on purpose: resources and providers are discovered by scanning.
 */
@ApplicationPath("/api")
public class RestApplication extends Application {
}

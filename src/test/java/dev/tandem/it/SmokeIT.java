package dev.tandem.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The packaged WAR deploys and JAX-RS answers under /api/v1. WebSocket and SSE behaviour is proven
 * by {@link RealtimeIT} (SSE acks arrive one by one, so a buffering stream fails it).
 */
@ExtendWith(ArquillianExtension.class)
class SmokeIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @Deployment(testable = false)
    static WebArchive deploy() {
        return Deployments.war();
    }

    @ArquillianResource
    URL base;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    private URI uri(String relative) throws Exception {
        return Deployments.baseUri(base).resolve(relative);
    }

    @Test
    void healthIsUp() throws Exception {
        HttpResponse<String> res = http.send(
                HttpRequest.newBuilder(uri("api/v1/health")).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode(), res.body());
        assertTrue(res.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                "content type: " + res.headers().firstValue("Content-Type"));
        assertEquals("{\"status\":\"UP\"}", res.body().replace(" ", ""));
    }
}

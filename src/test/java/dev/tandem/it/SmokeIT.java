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
 * Proves the build/test infrastructure on every server profile: the packaged WAR deploys, JAX-RS
 * answers under /api/v1, a JSR-356 endpoint at /api/realtime coexists with JAX-RS mapped at /api,
 * and JAX-RS SSE under /api/realtime/sse streams event by event (not buffered).
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

    @Test
    void webSocketEchoAtApiRealtime() throws Exception {
        URI http = uri("api/realtime");
        URI ws = new URI(http.getScheme().equals("https") ? "wss" : "ws", http.getRawSchemeSpecificPart(), null);
        CompletableFuture<String> received = new CompletableFuture<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    received.complete(text.toString());
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                received.completeExceptionally(error);
            }
        };
        WebSocket socket = this.http.newWebSocketBuilder().connectTimeout(TIMEOUT)
                .buildAsync(ws, listener).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        try {
            String msg = "{\"type\":\"probe\",\"id\":\"1\"}";
            socket.sendText(msg, true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(msg, received.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        } finally {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
    }

    /** One SSE event as seen by the client, with the client's clock when its blank line arrived. */
    record Received(String id, String name, String data, long arrivedAtMillis) {
    }

    /**
     * The probe sends 3 events {@value #SSE_GAP_MS} ms apart. The gap is wide enough that scheduling noise on
     * a loaded 2-core machine (seen: 300 ms) cannot make a streaming server look buffered, while a buffering
     * server or proxy (everything delivered at the end) still fails.
     */
    static final int SSE_GAP_MS = 500;

    @Test
    void sseStreamsEventByEvent() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(uri("api/realtime/sse?gapMs=" + SSE_GAP_MS))
                .header("Accept", "text/event-stream").timeout(TIMEOUT).GET().build();
        HttpResponse<Stream<String>> res = http.send(req, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, res.statusCode());
        assertTrue(res.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"),
                "content type: " + res.headers().firstValue("Content-Type"));

        List<Received> events = CompletableFuture.supplyAsync(() -> {
            List<Received> out = new ArrayList<>();
            String id = null;
            String name = null;
            StringBuilder data = null;
            try (Stream<String> lines = res.body()) {
                for (String line : (Iterable<String>) lines::iterator) {
                    if (line.isEmpty()) {
                        // RESTEasy sends blank lines before the first event: dispatch only real events
                        if (data != null) {
                            out.add(new Received(id, name, data.toString(), System.currentTimeMillis()));
                        }
                        id = null;
                        name = null;
                        data = null;
                    } else if (line.startsWith("id:")) {
                        id = line.substring(3).trim();
                    } else if (line.startsWith("event:")) {
                        name = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                        String d = line.substring(5);
                        d = d.startsWith(" ") ? d.substring(1) : d;
                        data = data == null ? new StringBuilder(d) : data.append('\n').append(d);
                    }
                }
            }
            return out;
        }).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(3, events.size(), "events: " + events);
        Pattern p = Pattern.compile("\\{\"n\":(\\d+),\"t\":(\\d+)}");
        long[] sentAt = new long[3];
        for (int i = 0; i < 3; i++) {
            Received e = events.get(i);
            assertEquals(Integer.toString(i + 1), e.id());
            assertEquals("probe", e.name());
            Matcher m = p.matcher(e.data());
            assertTrue(m.matches(), "data: " + e.data());
            assertEquals(i + 1, Integer.parseInt(m.group(1)));
            sentAt[i] = Long.parseLong(m.group(2));
        }
        // Not buffered: the first event reached the client before the server even produced the third
        // (server and client share this machine's clock).
        assertTrue(events.get(0).arrivedAtMillis() < sentAt[2],
                "first event arrived at " + events.get(0).arrivedAtMillis()
                        + " but the third was produced at " + sentAt[2] + ": the stream is buffered");
        assertTrue(events.get(2).arrivedAtMillis() - events.get(0).arrivedAtMillis() >= SSE_GAP_MS,
                "events arrived together: " + events);
    }
}

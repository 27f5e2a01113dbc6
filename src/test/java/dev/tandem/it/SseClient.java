package dev.tandem.it;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * An SSE test client: reads {@code GET /api/realtime/sse} line by line like EventSource (keeping the
 * last event id), and POSTs frames upstream to {@code /api/realtime/sse/{session}}.
 */
public final class SseClient implements AutoCloseable {
    public final ReceivedFrames frames = new ReceivedFrames();
    public final String sessionId;
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI base;
    private final InputStream body;
    private final Thread reader;
    private volatile String lastEventId;
    public volatile int comments;
    /** Completes when the server ends the stream (or the test drops it). */
    public final java.util.concurrent.CompletableFuture<Void> ended = new java.util.concurrent.CompletableFuture<>();

    private SseClient(URI base, String token, String lastEventId) throws Exception {
        this.base = base;
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("api/realtime/sse?token=" + token))
                .header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("SSE status " + response.statusCode() + ": "
                    + new String(response.body().readAllBytes(), StandardCharsets.UTF_8));
        }
        this.body = response.body();
        this.lastEventId = lastEventId;
        this.reader = new Thread(this::readEvents, "sse-test-reader");
        reader.setDaemon(true);
        reader.start();
        this.sessionId = frames.awaitType("welcome").getString("session");
    }

    public static SseClient connect(URI base, String token) throws Exception {
        return new SseClient(base, token, null);
    }

    /** Reconnects as EventSource does, sending the last event id seen. */
    public static SseClient reconnect(URI base, String token, String lastEventId) throws Exception {
        return new SseClient(base, token, lastEventId);
    }

    public String lastEventId() {
        return lastEventId;
    }

    /** POSTs one frame or an array of frames; returns the HTTP status. */
    public int send(String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("api/realtime/sse/" + sessionId))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private void readEvents() {
        try (var lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            StringBuilder data = new StringBuilder();
            String id = null;
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        if (id != null) {
                            lastEventId = id;
                        }
                        frames.addText(data.toString());
                    }
                    data.setLength(0);
                    id = null;
                } else if (line.startsWith(":")) {
                    comments++;
                } else if (line.startsWith("data:")) {
                    if (data.length() > 0) {
                        data.append('\n');
                    }
                    data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
                } else if (line.startsWith("id:")) {
                    id = line.substring(line.startsWith("id: ") ? 4 : 3);
                }
            }
        } catch (java.io.IOException e) {
            // Closed by the test (a forced drop) or by the server.
        } finally {
            ended.complete(null);
        }
    }

    /** Drops the stream as a broken network would. */
    @Override
    public void close() throws Exception {
        body.close();
        reader.join(TimeUnit.SECONDS.toMillis(5));
    }
}

package dev.tandem.client;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A live connection to Tandem over WebSocket with a join token: subscribe to topics and publish, with the
 * guarantees of docs/protocol.md. After a drop it reconnects (backoff 250 ms … 10 s) and subscribes every
 * topic again from its last {@code {epoch, seq}}; events it has already delivered are dropped, so a
 * {@link TopicListener} sees each seq exactly once, in order ({@code onReset} + {@code onSnapshot} when the
 * gap is older than the topic's history). A publish sent on a connection that dropped fails with
 * {@code disconnected} (it may have been applied: it is never sent twice). Listeners run on one thread
 * per connection, in the order frames arrive.
 *
 * <pre>{@code
 * try (RealtimeConnection rt = RealtimeConnection.open(tandem.base(), token)) {
 *     rt.subscribe("r1/chat", new TopicListener() {
 *         public void onEvent(TopicEvent e) { System.out.println(e.seq() + " " + e.data()); }
 *     }).join();
 *     rt.publish("r1/chat", Json.createObjectBuilder().add("text", "hi").build()).join();
 * }
 * }</pre>
 */
public final class RealtimeConnection implements AutoCloseable {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(15);

    private final URI endpoint;
    private final String token;
    private final HttpClient http;
    private static final System.Logger LOG = System.getLogger(RealtimeConnection.class.getName());

    private volatile Thread thread;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tandem-realtime");
        t.setDaemon(true);
        thread = t;
        return t;
    });
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Map<String, TopicState> topics = new LinkedHashMap<>();
    private final CompletableFuture<String> firstWelcome = new CompletableFuture<>();

    // Confined to the scheduler thread: every state change and every callback runs there.
    private WebSocket socket;
    private String session;
    private boolean ready;
    private boolean closed;
    private int attempt;
    private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);
    private final List<Pending> queued = new ArrayList<>();

    private RealtimeConnection(URI base, String token) {
        String ws = base.toString().replaceFirst("^http", "ws").replaceAll("/+$", "");
        this.endpoint = URI.create(ws + "/api/realtime");
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Connects to the Tandem at {@code base} with {@code token}; returns once the server has welcomed it. */
    public static RealtimeConnection open(URI base, String token) {
        RealtimeConnection connection = new RealtimeConnection(base, token);
        connection.scheduler.execute(connection::connect);
        try {
            connection.firstWelcome.get(OPEN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            connection.close();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw cause instanceof TandemException t ? t : new TandemException("unavailable", "no welcome: " + cause, 0, cause);
        }
        return connection;
    }

    /** The current session id (a new one after every reconnect). */
    public String session() {
        return onThread(() -> session);
    }

    /**
     * Subscribes to {@code topic} ({@code <room>/<channel>}); completes when the server has acknowledged it,
     * or fails with its refusal ({@code forbidden}...). Subscribing to a topic again replaces its listener.
     */
    public CompletableFuture<Void> subscribe(String topic, TopicListener listener) {
        return onThread(() -> {
            TopicState state = new TopicState(topic, listener);
            topics.put(topic, state);
            return request(subscribeFrame(state)).thenApply(ack -> (Void) null);
        }).whenComplete((ok, error) -> {
            if (error != null) {
                scheduler.execute(() -> topics.remove(topic));
            }
        });
    }

    /** Stops receiving {@code topic}. */
    public CompletableFuture<Void> unsubscribe(String topic) {
        return onThread(() -> {
            topics.remove(topic);
            return request(Json.createObjectBuilder().add("type", "unsubscribe").add("topic", topic)).thenApply(ack -> (Void) null);
        });
    }

    /** Publishes {@code data} into {@code topic}; completes with where it landed. */
    public CompletableFuture<Published> publish(String topic, JsonValue data) {
        return onThread(() -> request(Json.createObjectBuilder().add("type", "publish").add("topic", topic).add("data", data))
                .thenApply(ack -> new Published(ack.getString("topic", topic), ack.getString("epoch"),
                        ack.getJsonNumber("seq").longValue())));
    }

    /** Drops the connection as a network failure would (for tests): it reconnects and resumes. */
    public void dropConnection() {
        scheduler.execute(() -> {
            if (socket != null) {
                socket.abort();
                onClosed(socket, "dropped by the client", null);
            }
        });
    }

    @Override
    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            scheduler.execute(() -> {
                closed = true;
                if (socket != null) {
                    socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
                }
                failAll(new TandemException("closed", "the connection was closed"));
                done.complete(null);
            });
            done.get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // already shut down
        } finally {
            scheduler.shutdown();
        }
    }

    // --- connection lifecycle (scheduler thread) ---------------------------------------------------

    private void connect() {
        if (closed) {
            return;
        }
        http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(endpoint, new Listener())
                .whenComplete((ws, error) -> scheduler.execute(() -> {
                    if (error != null) {
                        onClosed(null, String.valueOf(error), null);
                    } else if (closed) {
                        ws.abort();
                    } else {
                        socket = ws;
                        send(ws, Json.createObjectBuilder().add("type", "hello").add("id", "hello").add("token", token).build());
                    }
                }));
    }

    private void onWelcome(WebSocket ws, JsonObject welcome) {
        session = welcome.getString("session");
        ready = true;
        attempt = 0;
        // A new WebSocket is a new session: every topic starts over from its position, before queued requests
        // (a topic whose first subscribe is still queued goes with that one).
        java.util.Set<String> queuedTopics = new java.util.HashSet<>();
        queued.stream().filter(p -> "subscribe".equals(p.frame.getString("type"))).forEach(p -> queuedTopics.add(p.frame.getString("topic")));
        for (TopicState state : topics.values()) {
            if (queuedTopics.contains(state.topic)) {
                continue;
            }
            request(subscribeFrame(state)).whenComplete((ack, error) -> {
                if (error instanceof TandemException t && !"disconnected".equals(t.code()) && !"closed".equals(t.code())) {
                    scheduler.execute(() -> topics.remove(state.topic, state));
                }
            });
        }
        List<Pending> waiting = new ArrayList<>(queued);
        queued.clear();
        waiting.forEach(p -> transmit(ws, p));
        firstWelcome.complete(session);
    }

    /** The socket is gone; {@code fatalCode} (e.g. {@code unauthorized}) when reconnecting cannot help. */
    private void onClosed(WebSocket ws, String reason, String fatalCode) {
        if (ws != null && ws != socket) {
            return; // an earlier socket
        }
        socket = null;
        ready = false;
        TandemException lost = new TandemException("disconnected", "the connection was lost before the answer: " + reason);
        pending.values().removeIf(p -> {
            if (p.sent) {
                p.future.completeExceptionally(lost);
                return true;
            }
            return false;
        });
        if (fatalCode != null || closed) {
            closed = true;
            TandemException error = new TandemException(fatalCode != null ? fatalCode : "closed", reason);
            failAll(error);
            firstWelcome.completeExceptionally(error);
            return;
        }
        long delay = Math.min(10_000, 250L << Math.min(attempt++, 6));
        scheduler.schedule(this::connect, delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1), TimeUnit.MILLISECONDS);
    }

    private void failAll(TandemException error) {
        pending.values().forEach(p -> p.future.completeExceptionally(error));
        pending.clear();
        queued.clear();
    }

    // --- frames (scheduler thread) -----------------------------------------------------------------

    private void onFrame(WebSocket ws, JsonObject frame) {
        switch (frame.getString("type", "")) {
            case "welcome" -> onWelcome(ws, frame);
            case "ack" -> settle(frame, null);
            case "error" -> {
                TandemException error = new TandemException(frame.getString("code", "internal"), frame.getString("message", ""));
                if (frame.containsKey("id") && pending.containsKey(frame.getString("id", ""))) {
                    settle(frame, error);
                } else if ("hello".equals(frame.getString("id", null)) || !ready) {
                    onClosed(ws, error.getMessage(), error.code()); // a refused token: reconnecting cannot help
                    ws.abort();
                } else {
                    LOG.log(System.Logger.Level.WARNING, "tandem: " + error.getMessage());
                }
            }
            case "snapshot" -> withTopic(frame, state -> state.snapshot(frame));
            case "event" -> withTopic(frame, state -> state.event(frame));
            case "reset" -> withTopic(frame, state -> state.reset(frame));
            case "bye" -> {
                if (!frame.getBoolean("reconnect", false)) {
                    onClosed(ws, frame.getString("message", "bye"), frame.getString("code", "closed"));
                    ws.abort();
                }
            }
            default -> {
                // ping (no answer needed), token_expiring, document frames: nothing to do here
            }
        }
    }

    private void withTopic(JsonObject frame, java.util.function.Consumer<TopicState> action) {
        TopicState state = topics.get(frame.getString("topic", ""));
        if (state != null) {
            try {
                action.accept(state);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "tandem: a listener of " + state.topic + " failed", e);
            }
        }
    }

    private CompletableFuture<JsonObject> request(JsonObjectBuilder frame) {
        String id = Long.toString(ids.incrementAndGet());
        Pending p = new Pending(frame.add("id", id).build(), new CompletableFuture<>());
        pending.put(id, p);
        p.future.orTimeout(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).whenComplete((ok, error) -> pending.remove(id));
        if (ready && socket != null) {
            transmit(socket, p);
        } else {
            queued.add(p);
        }
        return p.future.exceptionallyCompose(error -> CompletableFuture.failedFuture(
                error instanceof java.util.concurrent.TimeoutException
                        ? new TandemException("timeout", "no answer to " + p.frame.getString("type") + " within " + REQUEST_TIMEOUT)
                        : error));
    }

    private void transmit(WebSocket ws, Pending p) {
        p.sent = true;
        send(ws, p.frame);
    }

    private void settle(JsonObject frame, TandemException error) {
        Pending p = pending.remove(frame.getString("id", ""));
        if (p != null) {
            if (error != null) {
                p.future.completeExceptionally(error);
            } else {
                p.future.complete(frame);
            }
        }
    }

    /** One send at a time (the WebSocket API allows no overlap), in call order. */
    private void send(WebSocket ws, JsonObject frame) {
        String text = frame.toString();
        sending = sending.handle((x, e) -> null).thenCompose(x -> ws.sendText(text, true));
    }

    private static JsonObjectBuilder subscribeFrame(TopicState state) {
        JsonObjectBuilder frame = Json.createObjectBuilder().add("type", "subscribe").add("topic", state.topic);
        if (state.epoch != null) {
            frame.add("since", Json.createObjectBuilder().add("epoch", state.epoch).add("seq", state.seq));
        }
        return frame;
    }

    /** Runs {@code work} on the connection's thread (directly when already there: a listener calling back). */
    private <T> T onThread(java.util.concurrent.Callable<T> work) {
        if (Thread.currentThread() == thread) {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        scheduler.execute(() -> {
            try {
                result.complete(work.call());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result.join();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                scheduler.execute(() -> {
                    if (ws != socket) {
                        return;
                    }
                    JsonValue value;
                    try (var reader = Json.createReader(new StringReader(text))) {
                        value = reader.readValue();
                    }
                    // Under load the server sends several frames as one JSON array, in order.
                    for (JsonValue frame : value instanceof jakarta.json.JsonArray array ? array : List.of(value)) {
                        if (frame instanceof JsonObject object && ws == socket) {
                            onFrame(ws, object);
                        }
                    }
                });
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            // 4401 / 4402: the token was refused or expired; reconnecting with it cannot help.
            scheduler.execute(() -> onClosed(ws, statusCode + " " + reason,
                    statusCode == 4401 ? "unauthorized" : statusCode == 4402 ? "token_expired" : null));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            scheduler.execute(() -> onClosed(ws, String.valueOf(error), null));
        }
    }

    private static final class Pending {
        final JsonObject frame;
        final CompletableFuture<JsonObject> future;
        boolean sent;

        Pending(JsonObject frame, CompletableFuture<JsonObject> future) {
            this.frame = frame;
            this.future = future;
        }
    }

    /** Per topic: the last position delivered to the listener (resume and de-duplication). */
    private static final class TopicState {
        final String topic;
        final TopicListener listener;
        String epoch;
        long seq;

        TopicState(String topic, TopicListener listener) {
            this.topic = topic;
            this.listener = listener;
        }

        void snapshot(JsonObject frame) {
            epoch = frame.getString("epoch");
            seq = frame.getJsonNumber("seq").longValue();
            List<TopicEvent> events = new ArrayList<>();
            for (JsonValue v : frame.getJsonArray("events") == null ? List.<JsonValue>of() : frame.getJsonArray("events")) {
                events.add(eventOf(topic, epoch, v.asJsonObject()));
            }
            listener.onSnapshot(topic, epoch, seq, List.copyOf(events), frame.get("state"));
        }

        void event(JsonObject frame) {
            String eventEpoch = frame.getString("epoch");
            long eventSeq = frame.getJsonNumber("seq").longValue();
            if (eventEpoch.equals(epoch) && eventSeq <= seq) {
                return; // already delivered (a replay after a resume)
            }
            epoch = eventEpoch;
            seq = eventSeq;
            listener.onEvent(eventOf(topic, epoch, frame));
        }

        void reset(JsonObject frame) {
            epoch = null;
            seq = 0;
            listener.onReset(topic, frame.getString("reason", ""));
        }

        private static TopicEvent eventOf(String topic, String epoch, JsonObject e) {
            JsonNumber ts = e.getJsonNumber("ts");
            return new TopicEvent(topic, epoch, e.getJsonNumber("seq").longValue(), e.get("data"), e.getString("from", null),
                    ts == null ? 0 : ts.longValue(), e.getBoolean("redacted", false));
        }
    }
}

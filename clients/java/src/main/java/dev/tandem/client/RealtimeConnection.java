package dev.tandem.client;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A live connection to Tandem over WebSocket with a join token: subscribe to topics and publish, with the
 * guarantees of docs/protocol.md. After a drop (or when the server falls silent for 2.5 heartbeats) it
 * reconnects (backoff 250 ms … 10 s) and subscribes every topic again from its last {@code {epoch, seq}};
 * events it has already delivered are dropped, so a {@link TopicListener} sees each seq exactly once, in
 * order ({@code onReset} + {@code onSnapshot} when the gap is older than the topic's history). A request
 * sent on a connection that dropped fails with {@code disconnected} (it may have been applied: it is never
 * sent twice); one that waited for a connection longer than its timeout fails with {@code timeout} and is
 * not sent later. A refused or expired token, {@code bye} without {@code reconnect}, or {@link #close()}
 * ends the connection for good ({@link #whenClosed()}); later calls fail with that reason.
 *
 * <p>Everything runs on one thread per connection: listeners, and the completion of the futures this class
 * returns. A listener may call the connection (publish, subscribe, close) but must not block on a future it
 * returns (its answer is delivered on that same thread).
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
    private static final System.Logger LOG = System.getLogger(RealtimeConnection.class.getName());
    /** How long a socket may take from opening to the server's welcome. */
    private static final long WELCOME_TIMEOUT_MS = 15_000;
    /** Close codes after which reconnecting with the same token cannot help. */
    private static final Map<Integer, String> FATAL_CLOSE_CODES = Map.of(4401, "unauthorized", 4402, "token_expired",
            4403, "forbidden");

    private final URI endpoint;
    private final String token;
    private final HttpClient http;
    private volatile Thread thread;
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "tandem-realtime");
        t.setDaemon(true);
        thread = t;
        return t;
    });

    {
        // Once shut down, pending timeouts and reconnects are dropped, and the thread ends.
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        scheduler.setRemoveOnCancelPolicy(true);
    }
    private final CompletableFuture<String> firstWelcome = new CompletableFuture<>();
    private final CompletableFuture<TandemException> ended = new CompletableFuture<>();

    // Confined to the connection's thread.
    private final Requests requests = new Requests(scheduler);
    private final Map<String, TopicState> topics = new LinkedHashMap<>();
    private WebSocket socket;
    private long socketOpenedAt;
    private long lastHeard;
    private long heartbeatMs = 20_000;
    private String session;
    private boolean ready;
    private TandemException closedBy;
    private int attempt;
    private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);

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
        connection.scheduler.scheduleWithFixedDelay(connection::watchdog, 1, 1, TimeUnit.SECONDS);
        try {
            connection.firstWelcome.get(WELCOME_TIMEOUT_MS + 5_000, TimeUnit.MILLISECONDS);
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

    /** Completes, with the reason, when the connection has ended for good (closed, token refused or expired). */
    public CompletableFuture<TandemException> whenClosed() {
        return ended.copy();
    }

    /**
     * Subscribes to {@code topic} ({@code <room>/<channel>}); completes when the server has acknowledged it,
     * or fails with its refusal ({@code forbidden}...). Subscribing to a topic again replaces its listener.
     */
    public CompletableFuture<Void> subscribe(String topic, TopicListener listener) {
        return onThread(() -> {
            TopicState state = new TopicState(topic, listener);
            topics.put(topic, state);
            return request(subscribeFrame(state)).handle((ack, error) -> {
                if (error != null) {
                    if (!(error instanceof TandemException t) || !"disconnected".equals(t.code())) {
                        topics.remove(topic, state); // refused (or timed out): not subscribed
                    }
                    throw error instanceof RuntimeException r ? r : new IllegalStateException(error);
                }
                return (Void) null;
            });
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
        execute(() -> {
            if (socket != null) {
                WebSocket dropped = socket;
                dropped.abort();
                onSocketGone(dropped, "dropped by the client", null);
            }
        });
    }

    /** Ends the connection for good; pending requests fail with {@code closed}. */
    @Override
    public void close() {
        if (Thread.currentThread() == thread) {
            shutDown(new TandemException("closed", "the connection was closed"));
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            scheduler.execute(() -> {
                shutDown(new TandemException("closed", "the connection was closed"));
                done.complete(null);
            });
            done.get(5, TimeUnit.SECONDS);
        } catch (Exception alreadyShutDown) {
            // nothing left to close
        }
    }

    // --- connection lifecycle (connection thread) --------------------------------------------------

    private void connect() {
        if (closedBy != null) {
            return;
        }
        http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(endpoint, new Listener())
                .whenComplete((ws, error) -> {
                    boolean handed = execute(() -> {
                        if (error != null) {
                            onSocketGone(null, String.valueOf(error), null);
                        } else if (closedBy != null) {
                            ws.abort();
                        } else {
                            socket = ws;
                            socketOpenedAt = lastHeard = System.currentTimeMillis();
                            sending = CompletableFuture.completedFuture(null); // a new socket starts a new chain
                            send(ws, Json.createObjectBuilder().add("type", "hello").add("id", "hello").add("token", token).build());
                        }
                    });
                    if (!handed && ws != null) {
                        ws.abort(); // closed meanwhile: never leave a socket open on the server
                    }
                });
    }

    /** Every second: a socket that never got its welcome, or a server silent for 2.5 heartbeats, is replaced. */
    private void watchdog() {
        if (socket == null || closedBy != null) {
            return;
        }
        long now = System.currentTimeMillis();
        String why = !ready && now - socketOpenedAt > WELCOME_TIMEOUT_MS ? "no welcome within " + WELCOME_TIMEOUT_MS + " ms"
                : ready && now - lastHeard > heartbeatMs * 5 / 2 ? "nothing heard for " + (now - lastHeard) + " ms" : null;
        if (why != null) {
            WebSocket dead = socket;
            dead.abort();
            onSocketGone(dead, why, null);
        }
    }

    private void onWelcome(WebSocket ws, JsonObject welcome) {
        session = welcome.getString("session");
        heartbeatMs = welcome.containsKey("heartbeatMs") ? Math.max(1_000, welcome.getJsonNumber("heartbeatMs").longValue()) : heartbeatMs;
        ready = true;
        attempt = 0;
        List<Requests.Pending> waiting = requests.waiting();
        // A new WebSocket is a new session: every topic starts over from its position, before the requests
        // that waited (a topic whose first subscribe is among them goes with that one).
        Set<String> waitingTopics = new HashSet<>();
        waiting.stream().filter(p -> "subscribe".equals(p.type())).forEach(p -> waitingTopics.add(p.frame.getString("topic")));
        for (TopicState state : List.copyOf(topics.values())) {
            if (!waitingTopics.contains(state.topic)) {
                resubscribe(state);
            }
        }
        waiting.forEach(p -> transmit(ws, p));
        firstWelcome.complete(session);
    }

    private void resubscribe(TopicState state) {
        request(subscribeFrame(state)).whenComplete((ack, error) -> {
            if (error instanceof TandemException t && topics.get(state.topic) == state) {
                switch (t.code()) {
                    case "disconnected", "closed" -> { } // the next session subscribes it again
                    case "timeout" -> {
                        if (ready) {
                            resubscribe(state); // lost with a stalled server: keep trying while connected
                        }
                    }
                    default -> {
                        topics.remove(state.topic, state); // refused now (e.g. the grant is gone)
                        LOG.log(System.Logger.Level.WARNING, "tandem: " + state.topic + " could not be resumed: " + t.getMessage());
                    }
                }
            }
        });
    }

    /** The socket is gone; {@code fatal} (e.g. {@code unauthorized}) when reconnecting cannot help. */
    private void onSocketGone(WebSocket ws, String reason, TandemException fatal) {
        if (ws != null && ws != socket) {
            return; // an earlier socket
        }
        socket = null;
        ready = false;
        requests.failSent(new TandemException("disconnected", "the connection was lost before the answer: " + reason));
        if (fatal != null || closedBy != null) {
            shutDown(fatal != null ? fatal : closedBy);
            return;
        }
        long delay = Math.min(10_000, 250L << Math.min(attempt++, 6));
        scheduler.schedule(this::connect, delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1), TimeUnit.MILLISECONDS);
    }

    private void shutDown(TandemException reason) {
        if (closedBy == null) {
            closedBy = reason;
        }
        if (socket != null) {
            WebSocket s = socket;
            socket = null;
            ready = false;
            s.sendClose(WebSocket.NORMAL_CLOSURE, "bye").whenComplete((x, e) -> s.abort());
        }
        requests.failAll(closedBy);
        firstWelcome.completeExceptionally(closedBy);
        ended.complete(closedBy);
        scheduler.shutdown();
    }

    // --- frames (connection thread) ----------------------------------------------------------------

    private void onFrame(WebSocket ws, JsonObject frame) {
        switch (frame.getString("type", "")) {
            case "welcome" -> onWelcome(ws, frame);
            case "ack" -> requests.settle(frame.getString("id", ""), frame, null);
            case "error" -> onError(ws, frame);
            case "snapshot" -> withTopic(frame, state -> state.snapshot(frame));
            case "event" -> withTopic(frame, state -> state.event(frame));
            case "reset" -> withTopic(frame, state -> state.reset(frame));
            case "bye" -> {
                if (!frame.getBoolean("reconnect", false)) {
                    ws.abort();
                    onSocketGone(ws, "bye", new TandemException(frame.getString("code", "closed"), frame.getString("message", "bye")));
                }
            }
            default -> {
                // ping (no answer needed), token_expiring, document frames: nothing to do here
            }
        }
    }

    private void onError(WebSocket ws, JsonObject frame) {
        TandemException error = new TandemException(frame.getString("code", "internal"), frame.getString("message", ""));
        String id = frame.getString("id", "");
        if (requests.has(id)) {
            requests.settle(id, null, error);
        } else if (!ready) {
            // The hello was refused: for a bad or expired token reconnecting cannot help; anything else
            // (limit_exceeded while the server has not yet noticed the old socket is gone) is worth a retry.
            ws.abort();
            boolean fatal = "unauthorized".equals(error.code()) || "token_expired".equals(error.code());
            onSocketGone(ws, error.getMessage(), fatal ? error : null);
        } else {
            LOG.log(System.Logger.Level.WARNING, "tandem: " + error.getMessage());
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

    // --- requests (connection thread) --------------------------------------------------------------

    private CompletableFuture<JsonObject> request(JsonObjectBuilder frame) {
        if (closedBy != null) {
            return CompletableFuture.failedFuture(closedBy);
        }
        Requests.Pending p = requests.start(frame);
        if (ready && socket != null) {
            transmit(socket, p);
        }
        return p.future;
    }

    private void transmit(WebSocket ws, Requests.Pending p) {
        p.sent = true;
        send(ws, p.frame);
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

    // --- threads -----------------------------------------------------------------------------------

    /** Runs {@code work} on the connection's thread (directly when already there: a listener calling back). */
    private <T> T onThread(Callable<T> work) {
        if (Thread.currentThread() == thread) {
            return call(work);
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        if (!execute(() -> {
            try {
                result.complete(call(work));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        })) {
            throw closedBy != null ? closedBy : new TandemException("closed", "the connection was closed");
        }
        try {
            return result.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private static <T> T call(Callable<T> work) {
        try {
            return work.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Queues {@code task} on the connection's thread; false when the connection is shut down. */
    private boolean execute(Runnable task) {
        try {
            scheduler.execute(task);
            return true;
        } catch (RejectedExecutionException shutDown) {
            return false;
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (!last) {
                ws.request(1);
                return null;
            }
            String text = partial.toString();
            partial.setLength(0);
            boolean handed = execute(() -> {
                try {
                    if (ws == socket) {
                        lastHeard = System.currentTimeMillis();
                        onMessage(ws, text);
                    }
                } finally {
                    ws.request(1); // the next message only once this one is handled: the server's flow control holds
                }
            });
            if (!handed) {
                ws.abort();
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            String fatal = FATAL_CLOSE_CODES.get(statusCode);
            execute(() -> onSocketGone(ws, statusCode + " " + reason, fatal == null ? null : new TandemException(fatal, reason)));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            execute(() -> onSocketGone(ws, String.valueOf(error), null));
        }
    }

    private void onMessage(WebSocket ws, String text) {
        JsonValue value;
        try (var reader = Json.createReader(new StringReader(text))) {
            value = reader.readValue();
        } catch (RuntimeException malformed) {
            LOG.log(System.Logger.Level.WARNING, "tandem: unreadable frame dropped: " + malformed);
            return;
        }
        // Under load the server sends several frames as one JSON array, in order.
        for (JsonValue frame : value instanceof JsonArray array ? array : List.of(value)) {
            if (frame instanceof JsonObject object && ws == socket) {
                onFrame(ws, object);
            }
        }
    }
}

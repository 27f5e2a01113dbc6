package dev.tandem.client;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link RealtimeConnection}'s requests: ids, answers ({@code ack} / {@code error}), timeouts, and which were
 * sent on the current socket. Used on the connection's thread only (timeouts run there too), so every
 * future completes on that thread.
 */
final class Requests {
    static final long TIMEOUT_MS = 10_000;

    /** One request: its frame, its answer, whether it went out on the current socket. */
    static final class Pending {
        final String id;
        final JsonObject frame;
        final CompletableFuture<JsonObject> future = new CompletableFuture<>();
        ScheduledFuture<?> timer;
        boolean sent;

        Pending(String id, JsonObject frame) {
            this.id = id;
            this.frame = frame;
        }

        String type() {
            return frame.getString("type");
        }
    }

    private final ScheduledExecutorService thread;
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private long nextId;

    Requests(ScheduledExecutorService thread) {
        this.thread = thread;
    }

    /** Gives {@code frame} the next id and tracks it until answered or {@link #TIMEOUT_MS} passes. */
    Pending start(JsonObjectBuilder frame) {
        String id = Long.toString(++nextId);
        Pending p = new Pending(id, frame.add("id", id).build());
        pending.put(id, p);
        p.timer = thread.schedule(() -> fail(p, new TandemException("timeout", "no answer to " + p.type() + " within "
                + TIMEOUT_MS + " ms")), TIMEOUT_MS, TimeUnit.MILLISECONDS);
        return p;
    }

    boolean has(String id) {
        return pending.containsKey(id);
    }

    /** The answer to request {@code id}: its {@code ack}, or the {@code error} it got. */
    void settle(String id, JsonObject ack, TandemException error) {
        Pending p = pending.get(id);
        if (p == null) {
            return;
        }
        if (error != null) {
            fail(p, error);
        } else {
            pending.remove(id);
            p.timer.cancel(false);
            p.future.complete(ack);
        }
    }

    /** Fails a request and forgets it: a request that timed out while waiting is never sent later. */
    void fail(Pending p, TandemException error) {
        if (pending.remove(p.id) != null) {
            p.timer.cancel(false);
            p.future.completeExceptionally(error);
        }
    }

    /** The socket is gone: what was sent on it will never be answered. */
    void failSent(TandemException error) {
        List.copyOf(pending.values()).stream().filter(p -> p.sent).forEach(p -> fail(p, error));
    }

    void failAll(TandemException error) {
        List.copyOf(pending.values()).forEach(p -> fail(p, error));
    }

    /** Requests waiting for a socket, in call order. */
    List<Pending> waiting() {
        return pending.values().stream().filter(p -> !p.sent).toList();
    }
}

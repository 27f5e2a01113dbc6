package dev.tandem.it;

import dev.tandem.testsupport.JsModules;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real {@code @automerge/automerge} clients in Node processes ({@code src/test/js/server-clients.mjs})
 * connected to the deployed server over WebSocket or SSE. One process per {@link #start} call; each
 * process hosts any number of clients. Installs the npm dependencies ({@code npm ci}) on a fresh
 * checkout. Skipped (JUnit assumption) when node is not installed.
 */
public final class JsClients implements AutoCloseable {
    static final File DIR = JsModules.DIR;
    static final long TIMEOUT_SECONDS = 60;

    private final List<Proc> procs = new ArrayList<>();

    /** One Node process. */
    public final class Proc {
        private final Process process;
        private final OutputStream stdin;
        private final Map<Integer, CompletableFuture<JsonObject>> replies = new ConcurrentHashMap<>();
        private final AtomicInteger rid = new AtomicInteger();

        Proc() throws Exception {
            process = new ProcessBuilder("node", "server-clients.mjs").directory(DIR)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            stdin = process.getOutputStream();
            Thread reader = new Thread(this::readLoop, "js-clients-reader");
            reader.setDaemon(true);
            reader.start();
        }

        /** Sends a command; the future completes with the reply (or fails with the client's error). */
        public CompletableFuture<JsonObject> command(String cmd, JsonObjectBuilder args) {
            int r = rid.incrementAndGet();
            CompletableFuture<JsonObject> f = new CompletableFuture<>();
            replies.put(r, f);
            String line = args.add("cmd", cmd).add("rid", r).build().toString() + "\n";
            synchronized (this) {
                try {
                    stdin.write(line.getBytes(StandardCharsets.UTF_8));
                    stdin.flush();
                } catch (java.io.IOException e) {
                    f.completeExceptionally(e);
                }
            }
            return f.orTimeout(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }

        public JsonObject call(String cmd, JsonObjectBuilder args) throws Exception {
            try {
                return command(cmd, args).get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new AssertionError(cmd + " failed: " + e.getCause().getMessage(), e.getCause());
            }
        }

        /** Opens client {@code c} on {@code doc} in sync mode over {@code transport} ("ws" | "sse"). */
        public CompletableFuture<JsonObject> open(String c, java.net.URI base, String token, String doc, String transport) {
            return command("open", Json.createObjectBuilder().add("c", c).add("base", base.toString()).add("token", token)
                    .add("doc", doc).add("transport", transport));
        }

        /** Every replica of this process: {c: {heads, errors, json?, nameConflicts?}}. */
        public JsonObject state(boolean json, String shape) throws Exception {
            JsonObjectBuilder args = Json.createObjectBuilder().add("json", json);
            if (shape != null) {
                args.add("shape", shape);
            }
            return call("state", args);
        }

        private void readLoop() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    JsonObject m = ReceivedFrames.parse(line);
                    CompletableFuture<JsonObject> f = replies.remove(m.getInt("rid"));
                    if (f == null) {
                        continue;
                    }
                    if (m.containsKey("error")) {
                        f.completeExceptionally(new AssertionError(m.getString("error")));
                    } else {
                        f.complete(m);
                    }
                }
            } catch (Exception e) {
                replies.values().forEach(f -> f.completeExceptionally(e));
            }
            replies.values().forEach(f -> f.completeExceptionally(new IllegalStateException("node process ended")));
        }

        void close() {
            try {
                stdin.close();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (Exception e) {
                process.destroyForcibly();
            }
        }
    }

    public JsClients() throws Exception {
        ensureInstalled();
    }

    /** Starts a new Node process. */
    public Proc start() throws Exception {
        Proc p = new Proc();
        procs.add(p);
        return p;
    }

    static void ensureInstalled() throws Exception {
        JsModules.ensureInstalled();
    }

    @Override
    public void close() {
        procs.forEach(Proc::close);
        procs.clear();
    }
}

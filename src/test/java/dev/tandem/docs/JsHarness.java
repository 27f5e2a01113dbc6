package dev.tandem.docs;

import dev.tandem.testsupport.JsModules;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs src/test/js/harness.mjs (real @automerge/automerge 3.x replicas) and wires its clients to a
 * DocumentHost as sync-mode peers. Installs the harness's npm dependencies ({@code npm ci}) when
 * node_modules is missing. Skipped (JUnit assumption) when node is not installed.
 */
final class JsHarness implements AutoCloseable {
    static final File DIR = JsModules.DIR;

    private final DocumentHost host;
    private final String docId;
    private final Process process;
    private final LinkedBlockingQueue<String> outbox = new LinkedBlockingQueue<>();
    private final Map<Integer, CompletableFuture<JsonObject>> replies = new ConcurrentHashMap<>();
    private final AtomicInteger rid = new AtomicInteger();
    final List<String> errors = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private final Thread writer;

    JsHarness(DocumentHost host, String docId) throws Exception {
        this.host = host;
        this.docId = docId;
        ensureInstalled();
        process = new ProcessBuilder("node", "harness.mjs").directory(DIR)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        reader = new Thread(this::readLoop, "js-harness-reader");
        reader.setDaemon(true);
        reader.start();
        writer = new Thread(this::writeLoop, "js-harness-writer");
        writer.setDaemon(true);
        writer.start();
    }

    static void ensureInstalled() throws Exception {
        JsModules.ensureInstalled();
    }

    /** A JS replica attached to the host as a sync-mode peer. */
    final class Peer implements DocPeer {
        final String id;

        Peer(String id) {
            this.id = id;
        }

        @Override
        public String peerId() {
            return id;
        }

        @Override
        public boolean jsonMode() {
            return false;
        }

        @Override
        public void deliver(DocOutput out) {
            if (out instanceof DocOutput.Snapshot s) {
                send(Json.createObjectBuilder().add("c", id).add("type", "snapshot")
                        .add("data", Base64.getEncoder().encodeToString(s.data())).build());
            } else if (out instanceof DocOutput.Sync m) {
                send(Json.createObjectBuilder().add("c", id).add("type", "sync")
                        .add("data", Base64.getEncoder().encodeToString(m.data())).build());
            }
        }
    }

    Peer create(String id) throws Exception {
        send(Json.createObjectBuilder().add("cmd", "create").add("c", id).build());
        Peer p = new Peer(id);
        host.attach(docId, p).toCompletableFuture().get(30, TimeUnit.SECONDS);
        return p;
    }

    void send(JsonObject msg) {
        outbox.add(msg.toString());
    }

    CompletableFuture<JsonObject> command(JsonObjectBuilder cmd) {
        int r = rid.incrementAndGet();
        CompletableFuture<JsonObject> f = new CompletableFuture<>();
        replies.put(r, f);
        send(cmd.add("rid", r).build());
        return f;
    }

    JsonObject state(boolean json) throws Exception {
        return command(Json.createObjectBuilder().add("cmd", "state").add("json", json)).get(60, TimeUnit.SECONDS)
                .getJsonObject("clients");
    }

    private void writeLoop() {
        try (OutputStream os = process.getOutputStream()) {
            StringBuilder batch = new StringBuilder();
            while (true) {
                String line = outbox.take();
                batch.setLength(0);
                batch.append(line).append('\n');
                String more;
                while ((more = outbox.poll()) != null) {
                    batch.append(more).append('\n');
                }
                os.write(batch.toString().getBytes(StandardCharsets.UTF_8));
                os.flush();
            }
        } catch (InterruptedException | java.io.IOException e) {
            // closing
        }
    }

    private void readLoop() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                JsonObject m = Json.createReader(new java.io.StringReader(line)).readObject();
                if (m.containsKey("rid") && !m.isNull("rid")) {
                    CompletableFuture<JsonObject> f = replies.remove(m.getInt("rid"));
                    if (m.containsKey("error")) {
                        errors.add(m.getString("error"));
                        if (f != null) {
                            f.completeExceptionally(new AssertionError(m.getString("error")));
                        }
                    } else if (f != null) {
                        f.complete(m);
                    }
                } else if (m.containsKey("error")) {
                    errors.add(m.getString("error"));
                } else if ("sync".equals(m.getString("type", ""))) {
                    String c = m.getString("c");
                    host.receiveSync(docId, c, Base64.getDecoder().decode(m.getString("data")))
                            .whenComplete((v, t) -> {
                                if (t != null && !(t.getCause() instanceof DocException de && de.code().equals("not_found"))) {
                                    errors.add(c + ": " + t);
                                }
                            });
                }
            }
        } catch (Exception e) {
            errors.add("reader: " + e);
        }
    }

    @Override
    public void close() throws Exception {
        writer.interrupt();
        process.getOutputStream().close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}

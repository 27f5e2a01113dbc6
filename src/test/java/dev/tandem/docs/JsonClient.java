package dev.tandem.docs;

import jakarta.json.JsonArray;
import jakarta.json.JsonValue;
import java.util.List;

/** A JSON-mode peer that keeps a local JSON copy from the View and the Patches it receives. */
final class JsonClient implements DocPeer {
    private final String peerId;
    private JsonPatchApplier local;
    private List<String> heads = List.of();
    private int patches;

    JsonClient(String peerId) {
        this.peerId = peerId;
    }

    @Override
    public String peerId() {
        return peerId;
    }

    @Override
    public boolean jsonMode() {
        return true;
    }

    @Override
    public synchronized void deliver(DocOutput out) {
        if (out instanceof DocOutput.View v) {
            local = new JsonPatchApplier(v.view());
            heads = v.heads();
        } else if (out instanceof DocOutput.Patch p) {
            local.apply(p.patches());
            heads = p.heads();
            patches++;
        } else {
            throw new AssertionError("json peer got " + out);
        }
    }

    synchronized JsonValue view() {
        return local == null ? null : local.toJson();
    }

    synchronized List<String> heads() {
        return heads;
    }

    synchronized int patchCount() {
        return patches;
    }

    static JsonArray ops(String json) {
        return jakarta.json.Json.createReader(new java.io.StringReader(json)).readArray();
    }
}

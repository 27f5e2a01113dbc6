package dev.tandem.docs;

import jakarta.json.JsonArray;
import jakarta.json.JsonValue;
import java.util.List;

/**
 * What the engine sends to one peer of a document. Transport-independent: the core maps these to
 * {@code doc.snapshot}, {@code doc.sync} and {@code doc.patch} frames. Heads are lowercase hex change hashes.
 */
public sealed interface DocOutput {
    String docId();

    /** Sync-mode subscribe: the document's {@code save()} bytes; sync messages follow. */
    record Snapshot(String docId, byte[] data, List<String> heads) implements DocOutput {
    }

    /** An Automerge sync message for a sync-mode peer. */
    record Sync(String docId, byte[] data) implements DocOutput {
    }

    /** JSON-mode peers: the patches that take the previous view to the one at {@code heads}. */
    record Patch(String docId, List<String> heads, JsonArray patches) implements DocOutput {
    }

    /** JSON-mode subscribe: the whole document as JSON at {@code heads}; patches follow. */
    record View(String docId, List<String> heads, JsonValue view) implements DocOutput {
    }
}

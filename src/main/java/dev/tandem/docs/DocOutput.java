package dev.tandem.docs;

import jakarta.json.JsonArray;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.function.Function;

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

    /**
     * JSON-mode peers: the patches that take the previous view to the one at {@code heads}. A flush hands
     * the same instance to every JSON peer of the document, and {@link #encoded} lets them share one
     * encoding of it: encoding a large patch once per peer was most of a busy document's server CPU
     * (bench/PROFILING.md, "Session 18").
     */
    final class Patch implements DocOutput {
        private final String docId;
        private final List<String> heads;
        private final JsonArray patches;
        private String encoded;

        public Patch(String docId, List<String> heads, JsonArray patches) {
            this.docId = docId;
            this.heads = List.copyOf(heads);
            this.patches = patches;
        }

        @Override
        public String docId() {
            return docId;
        }

        public List<String> heads() {
            return heads;
        }

        public JsonArray patches() {
            return patches;
        }

        /**
         * This patch as {@code encoder} writes it, computed by the first peer that asks and then given to
         * the others: every peer must encode it the same way (the node's frame codec). Called on the
         * document's owner thread.
         */
        public synchronized String encoded(Function<Patch, String> encoder) {
            if (encoded == null) {
                encoded = encoder.apply(this);
            }
            return encoded;
        }
    }

    /** JSON-mode subscribe: the whole document as JSON at {@code heads}; patches follow. */
    record View(String docId, List<String> heads, JsonValue view) implements DocOutput {
    }
}

package dev.tandem.protocol;

import jakarta.json.JsonArray;
import jakarta.json.JsonValue;
import java.util.List;

/**
 * Frames of the document protocol ({@code docs/documents.md}). Document ids are {@code <room>/<name>};
 * Automerge payloads travel base64-encoded.
 */
public final class DocFrames {
    /** A request about one document: an error answering it names the document. */
    public sealed interface DocRequest extends Frame.Request permits Subscribe, Unsubscribe, Sync, Ops {
        String doc();
    }

    private DocFrames() {
    }

    /** Subscribes to a document: {@code mode} {@code sync} (Automerge peers, default) or {@code json}. */
    public record Subscribe(String id, String doc, String mode) implements DocRequest {
        @Override
        public void validate() {
            Validation.required(id, "id");
            Validation.required(doc, "doc");
            if (mode != null && !mode.equals("sync") && !mode.equals("json")) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "mode must be sync or json");
            }
        }

        public boolean jsonMode() {
            return "json".equals(mode);
        }
    }

    public record Unsubscribe(String id, String doc) implements DocRequest {
        @Override
        public void validate() {
            Validation.required(id, "id");
            Validation.required(doc, "doc");
        }
    }

    /** An Automerge sync message, both directions; a client's may carry an id to get an ack. */
    public record Sync(String id, String doc, String data) implements DocRequest {
        @Override
        public void validate() {
            Validation.required(doc, "doc");
            Validation.required(data, "data");
        }
    }

    /** JSON operations applied in one Automerge transaction; acked with the new heads. */
    public record Ops(String id, String doc, JsonArray ops) implements DocRequest {
        @Override
        public void validate() {
            Validation.required(id, "id");
            Validation.required(doc, "doc");
            Validation.required(ops, "ops");
        }
    }

    /** A document's state for a new subscriber: {@code data} (base64 save bytes) in sync mode, {@code view} in json mode. */
    public record Snapshot(String doc, List<String> heads, String data, JsonValue view) implements Frame.Reply {
    }

    /** JSON patches taking a json-mode subscriber's view to {@code heads}. */
    public record Patch(String doc, List<String> heads, JsonArray patches) implements Frame.Reply {
    }
}

package dev.tandem.docs;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.automerge.AmValue;
import org.automerge.ObjectId;
import org.automerge.ObjectType;
import org.automerge.Transaction;

/**
 * Helpers for thread documents ({@code <room>/thread/<x>}): {@code title} (Text) and
 * {@code messages}, a list of {@code {id, author, text (Text), status "streaming"|"final", time}}.
 * Streaming agent output: {@link #startMessage} with {@code finalised=false}, {@link #appendText}
 * per delta (each one small change, so Automerge peers see the text grow), then {@link #finalise}.
 */
public final class Threads {
    public static final String STREAMING = "streaming";
    public static final String FINAL = "final";

    private Threads() {
    }

    public static CompletionStage<List<String>> setTitle(DocumentHost host, String docId, String title) {
        return host.change(docId, tx -> {
            ObjectId text = textAt(tx, ObjectId.ROOT, "title");
            tx.spliceText(text, 0, tx.length(text), title);
        });
    }

    /** Appends a message; {@code finalised=false} marks it as streaming. */
    public static CompletionStage<List<String>> startMessage(DocumentHost host, String docId, String id, String author,
                                                            String text, boolean finalised) {
        return host.change(docId, tx -> {
            ObjectId messages = messages(tx);
            if (find(tx, messages, id).isPresent()) {
                throw DocException.badRequest("message exists: " + id);
            }
            ObjectId m = tx.insert(messages, tx.length(messages), ObjectType.MAP);
            tx.set(m, "id", id);
            tx.set(m, "author", author);
            ObjectId t = tx.set(m, "text", ObjectType.TEXT);
            if (!text.isEmpty()) {
                tx.spliceText(t, 0, 0, text);
            }
            tx.set(m, "status", finalised ? FINAL : STREAMING);
            JsonOps.writeLong(tx, new JsonOps.MapSlot(m, "time"), System.currentTimeMillis());
        });
    }

    /** Appends {@code delta} to a message's text. */
    public static CompletionStage<List<String>> appendText(DocumentHost host, String docId, String id, String delta) {
        return host.change(docId, tx -> {
            ObjectId m = find(tx, messages(tx), id).orElseThrow(() -> DocException.notFound("no message " + id));
            ObjectId t = textAt(tx, m, "text");
            tx.spliceText(t, tx.length(t), 0, delta);
        });
    }

    /** Marks a streaming message final. */
    public static CompletionStage<List<String>> finalise(DocumentHost host, String docId, String id) {
        return host.change(docId, tx -> {
            ObjectId m = find(tx, messages(tx), id).orElseThrow(() -> DocException.notFound("no message " + id));
            tx.set(m, "status", FINAL);
        });
    }

    private static ObjectId messages(Transaction tx) {
        Optional<AmValue> v = tx.get(ObjectId.ROOT, "messages");
        if (v.isPresent() && v.get() instanceof AmValue.List l) {
            return l.getId();
        }
        throw DocException.badRequest("not a thread document (no messages list)");
    }

    private static ObjectId textAt(Transaction tx, ObjectId obj, String key) {
        Optional<AmValue> v = tx.get(obj, key);
        if (v.isPresent() && v.get() instanceof AmValue.Text t) {
            return t.getId();
        }
        throw DocException.badRequest(key + " is not a text");
    }

    /** Searches from the end: the message being streamed is usually the last one. */
    private static Optional<ObjectId> find(Transaction tx, ObjectId messages, String id) {
        for (long i = tx.length(messages) - 1; i >= 0; i--) {
            Optional<AmValue> v = tx.get(messages, (int) i);
            if (v.isPresent() && v.get() instanceof AmValue.Map m) {
                Optional<AmValue> mid = tx.get(m.getId(), "id");
                if (mid.isPresent() && mid.get() instanceof AmValue.Str s && s.getValue().equals(id)) {
                    return Optional.of(m.getId());
                }
            }
        }
        return Optional.empty();
    }
}

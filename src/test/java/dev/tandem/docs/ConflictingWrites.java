package dev.tandem.docs;

import org.automerge.AmValue;
import org.automerge.Document;
import org.automerge.ObjectId;
import org.automerge.Transaction;

/**
 * Two concurrent writes of one key: forks of {@code base} that set {@code key} of map {@code map} to "x" and
 * "y", and which of them Automerge keeps. Merged in the order winner, then loser, the loser's write is the one
 * that loses a conflict (see {@link ConflictPatchFix}). The caller frees the two forks.
 */
public record ConflictingWrites(Document winner, Document loser, String winningValue) {

    public static ConflictingWrites of(Document base, ObjectId map, String key) {
        Document x = write(base.fork(), map, key, "x");
        Document y = write(base.fork(), map, key, "y");
        Document both = base.fork();
        try {
            both.merge(x);
            both.merge(y);
            String kept = ((AmValue.Str) both.get(map, key).orElseThrow()).getValue();
            return kept.equals("x") ? new ConflictingWrites(x, y, "x") : new ConflictingWrites(y, x, "y");
        } finally {
            both.free();
        }
    }

    private static Document write(Document doc, ObjectId map, String key, String value) {
        try (Transaction tx = doc.startTransaction()) {
            tx.set(map, key, value);
            tx.commit();
        }
        return doc;
    }

    public void free() {
        winner.free();
        loser.free();
    }
}

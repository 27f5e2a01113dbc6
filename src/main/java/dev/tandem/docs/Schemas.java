package dev.tandem.docs;

import java.nio.charset.StandardCharsets;
import org.automerge.Document;
import org.automerge.ObjectId;
import org.automerge.ObjectType;
import org.automerge.Transaction;

/**
 * Initial schemas per {@link DocKind}. The schema change is made by a fixed actor with Automerge's
 * default time (0), so it is byte-identical (same change hash) on every node and after every
 * restart: two servers that create the same document independently still converge, because they
 * share the root objects instead of creating conflicting ones. The returned document is a fork with
 * a fresh random actor, so later edits never reuse the schema actor.
 *
 * <ul>
 * <li>canvas: {@code shapes} (map by shape id: kind, points/geometry, style, z, name),
 *     {@code widgets} (map), {@code ui} (map)</li>
 * <li>thread: {@code title} (Text), {@code messages} (list of {id, author, text (Text), status, time})</li>
 * <li>generic: empty root map</li>
 * </ul>
 */
public final class Schemas {
    static final byte[] SCHEMA_ACTOR = "tandem.schema.v1".getBytes(StandardCharsets.US_ASCII);

    private Schemas() {
    }

    /** A new document of this kind (caller owns it and must free it). */
    public static Document create(DocKind kind) {
        Document schema = new Document(SCHEMA_ACTOR);
        try {
            if (kind != DocKind.GENERIC) {
                Transaction tx = schema.startTransaction();
                switch (kind) {
                    case CANVAS -> {
                        tx.set(ObjectId.ROOT, "shapes", ObjectType.MAP);
                        tx.set(ObjectId.ROOT, "widgets", ObjectType.MAP);
                        tx.set(ObjectId.ROOT, "ui", ObjectType.MAP);
                    }
                    case THREAD -> {
                        tx.set(ObjectId.ROOT, "title", ObjectType.TEXT);
                        tx.set(ObjectId.ROOT, "messages", ObjectType.LIST);
                    }
                    default -> {
                    }
                }
                tx.commit();
            }
            return schema.fork();
        } finally {
            schema.free();
        }
    }
}

package dev.tandem.session;

import dev.tandem.docs.DocException;
import dev.tandem.docs.DocId;
import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.ProtocolException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Caps the documents a room may hold ({@code tandem.maxDocumentsPerRoom}) for clients. A room's stored
 * documents are read from the store ({@code existing}) on first use, then every document a writer opens is
 * counted here ({@link #admit}); a reader may open a document that is counted or stored, or a new one while
 * the room is under its cap, without taking a place ({@link #check}: a document nobody wrote to is not
 * stored). The REST API (the app's backend, with the API key) is not capped, so the store may hold documents
 * this count has not seen: before refusing one, the store is asked ({@code stored}), so a stored document
 * is always admitted.
 */
public final class DocumentQuota {
    private final int maxPerRoom;
    private final Function<String, Set<String>> existing;
    private final Predicate<String> stored;
    private final Map<String, Set<String>> byRoom = new ConcurrentHashMap<>();

    public DocumentQuota(int maxPerRoom, Function<String, Set<String>> existing, Predicate<String> stored) {
        this.maxPerRoom = maxPerRoom;
        this.existing = existing;
        this.stored = stored;
    }

    /** Admits {@code doc} ({@code <room>/<name>}) for a writer; throws {@code limit_exceeded} for one document too many. */
    public void admit(String doc) {
        decide(doc, true);
    }

    /** Lets a reader open {@code doc} without counting it; throws {@code limit_exceeded} as {@link #admit} would. */
    public void check(String doc) {
        decide(doc, false);
    }

    private void decide(String doc, boolean count) {
        String room;
        try {
            room = DocId.parse(doc).room();
        } catch (DocException e) {
            return; // The document layer answers a malformed id with bad_request.
        }
        Set<String> docs = byRoom.computeIfAbsent(room, r -> {
            Set<String> known = ConcurrentHashMap.newKeySet();
            known.addAll(existing.apply(r));
            return known;
        });
        if (docs.contains(doc)) {
            return;
        }
        synchronized (docs) {
            if (!docs.contains(doc) && docs.size() >= maxPerRoom && stored.test(doc)) {
                docs.add(doc); // the REST API stored it after the room was counted
            }
            if (!docs.contains(doc) && docs.size() >= maxPerRoom) {
                throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED,
                        "room " + room + " already holds " + maxPerRoom + " documents");
            }
            if (count) {
                docs.add(doc);
            }
        }
    }
}

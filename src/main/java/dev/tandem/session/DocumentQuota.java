package dev.tandem.session;

import dev.tandem.docs.DocException;
import dev.tandem.docs.DocId;
import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.ProtocolException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Caps the documents a room may hold ({@code tandem.maxDocumentsPerRoom}) for clients. A room's stored
 * documents are read from the store ({@code existing}) on first use, then every document a writer opens is
 * counted here. The REST API (the app's backend, with the API key) is not capped, so the store may hold
 * documents this count has not seen: before refusing one, the room's stored documents are read again, so a
 * document that is stored is always admitted.
 */
public final class DocumentQuota {
    private final int maxPerRoom;
    private final Function<String, Set<String>> existing;
    private final Map<String, Set<String>> byRoom = new ConcurrentHashMap<>();

    public DocumentQuota(int maxPerRoom, Function<String, Set<String>> existing) {
        this.maxPerRoom = maxPerRoom;
        this.existing = existing;
    }

    /** Admits {@code doc} ({@code <room>/<name>}); throws {@code limit_exceeded} for one document too many. */
    public void admit(String doc) {
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
            if (!docs.contains(doc) && docs.size() >= maxPerRoom) {
                docs.addAll(existing.apply(room)); // documents the REST API stored meanwhile
            }
            if (!docs.contains(doc) && docs.size() >= maxPerRoom) {
                throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED,
                        "room " + room + " already holds " + maxPerRoom + " documents");
            }
            docs.add(doc);
        }
    }
}

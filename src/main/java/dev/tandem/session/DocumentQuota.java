package dev.tandem.session;

import dev.tandem.docs.DocException;
import dev.tandem.docs.DocId;
import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.ProtocolException;
import java.time.Clock;
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
 *
 * <p>A place a writer took for a document it never wrote to is given back: when the room looks full to a
 * writer (at most every {@link #REBUILD_MILLIS} per room), the count is rebuilt from what the store holds and what is in use ({@code inUse}: loaded in memory, which a
 * document with subscribers or unsaved changes is), keeping places admitted in the last {@link #GRACE_MILLIS}
 * (their subscribe may still be on its way). Before this, opening 100 names without writing filled a room
 * until the server restarted.
 */
public final class DocumentQuota {
    /** A place just admitted is kept this long even while its document is not loaded yet. */
    static final long GRACE_MILLIS = 10_000;

    private final int maxPerRoom;
    private final Function<String, Set<String>> existing;
    private final Predicate<String> stored;
    private final Predicate<String> inUse;
    private final Clock clock;
    /** Per room: counted document → when it was last admitted (epoch ms). */
    private final Map<String, Map<String, Long>> byRoom = new ConcurrentHashMap<>();
    /** Per room: when its count was last rebuilt (a rebuild reads the store: at most one per {@link #REBUILD_MILLIS}). */
    private final Map<String, Long> rebuiltAt = new ConcurrentHashMap<>();
    static final long REBUILD_MILLIS = 5_000;

    public DocumentQuota(int maxPerRoom, Function<String, Set<String>> existing, Predicate<String> stored) {
        this(maxPerRoom, existing, stored, doc -> true, Clock.systemUTC());
    }

    public DocumentQuota(int maxPerRoom, Function<String, Set<String>> existing, Predicate<String> stored,
                         Predicate<String> inUse, Clock clock) {
        this.maxPerRoom = maxPerRoom;
        this.existing = existing;
        this.stored = stored;
        this.inUse = inUse;
        this.clock = clock;
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
        Map<String, Long> docs = byRoom.computeIfAbsent(room, r -> {
            Map<String, Long> known = new ConcurrentHashMap<>();
            existing.apply(r).forEach(d -> known.put(d, 0L));
            return known;
        });
        long now = clock.millis();
        if (docs.containsKey(doc)) {
            if (count) {
                docs.put(doc, now);
            }
            return;
        }
        synchronized (docs) {
            // Only a writer's request rebuilds the count, at most every few seconds per room: a refused client
            // retrying in a loop (or a reader) cannot turn every refusal into store queries.
            if (count && !docs.containsKey(doc) && docs.size() >= maxPerRoom
                    && now - rebuiltAt.getOrDefault(room, Long.MIN_VALUE / 2) >= REBUILD_MILLIS) {
                rebuiltAt.put(room, now);
                giveBackUnusedPlaces(room, docs, now);
            }
            if (!docs.containsKey(doc) && docs.size() >= maxPerRoom && stored.test(doc)) {
                docs.put(doc, now); // the REST API stored it after the room was counted
            }
            if (!docs.containsKey(doc) && docs.size() >= maxPerRoom) {
                throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED,
                        "room " + room + " already holds " + maxPerRoom + " documents");
            }
            if (count) {
                docs.put(doc, now);
            }
        }
    }

    /** Rebuilds the room's count: stored documents, documents in use, and places admitted within the grace period. */
    private void giveBackUnusedPlaces(String room, Map<String, Long> docs, long now) {
        Set<String> storedNow = existing.apply(room);
        docs.entrySet().removeIf(e -> !storedNow.contains(e.getKey()) && now - e.getValue() > GRACE_MILLIS
                && !inUse.test(e.getKey()));
        storedNow.forEach(d -> docs.putIfAbsent(d, 0L));
    }
}

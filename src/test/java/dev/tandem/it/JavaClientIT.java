package dev.tandem.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.client.DocumentState;
import dev.tandem.client.History;
import dev.tandem.client.Published;
import dev.tandem.client.RealtimeConnection;
import dev.tandem.client.TandemClient;
import dev.tandem.client.TandemException;
import dev.tandem.client.TokenRequest;
import dev.tandem.client.TopicEvent;
import dev.tandem.client.TopicListener;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.automerge.ChangeHash;
import org.automerge.Document;
import org.automerge.ObjectId;
import org.automerge.Transaction;
import org.junit.jupiter.api.Test;

/** The Java client (clients/java) against the deployed WAR: REST for back-office systems, and realtime with resume. */
class JavaClientIT extends DeployedTest {

    @Override
    String roomPrefix() {
        return "j";
    }

    private TandemClient tandem() {
        return TandemClient.create(base, Rest.API_KEY);
    }

    private static JsonValue json(String text) {
        return Json.createReader(new StringReader(text)).readValue();
    }

    @Test
    void restPublishesReadsHistoryAndRefusesWithTypedErrors() {
        TandemClient tandem = tandem();
        Published first = tandem.publish(room, "chat", json("{\"text\":\"one\"}"));
        Published second = tandem.publish(room, "chat", json("{\"text\":\"two\"}"), "billing", List.of("bob"));
        assertEquals(room + "/chat", first.topic());
        assertEquals(List.of(1L, 2L), List.of(first.seq(), second.seq()));
        assertEquals(first.epoch(), second.epoch());

        History all = tandem.history(room, "chat", 0, 100);
        assertEquals(2, all.seq());
        assertTrue(all.complete());
        assertEquals(List.of(1L, 2L), all.events().stream().map(TopicEvent::seq).toList());
        assertEquals(json("{\"text\":\"one\"}"), all.events().get(0).data());
        assertEquals("server", all.events().get(0).from());
        assertEquals("billing", all.events().get(1).from());
        assertTrue(all.events().get(0).ts() > 0);
        assertEquals(List.of(2L), tandem.history(room, "chat", 1, 100).events().stream().map(TopicEvent::seq).toList());

        TandemException badKey = assertThrows(TandemException.class,
                () -> TandemClient.create(base, "wrong-key").publish(room, "chat", json("1")));
        assertEquals("unauthorized", badKey.code());
        assertEquals(401, badKey.status());
        // Names are checked before a URL is built: no '..' or '/' reaches another room's path.
        TandemException badRoom = assertThrows(TandemException.class, () -> tandem.publish("bad room!", "chat", json("1")));
        assertEquals("bad_request", badRoom.code());
        TandemException traversal = assertThrows(TandemException.class, () -> tandem.applyOps(room, "../../other/docs/canvas",
                json("[{\"op\":\"put\",\"path\":[\"ui\",\"x\"],\"value\":1}]").asJsonArray()));
        assertEquals("bad_request", traversal.code());
        TandemException serverSide = assertThrows(TandemException.class, () -> tandem.history(room, "chat", -5, 10));
        assertEquals("bad_request", serverSide.code());
        assertEquals(400, serverSide.status(), "the server's own refusal carries its HTTP status");
        assertEquals(2, tandem.history(room, "chat", 0, 100).seq(), "nothing refused was published");
    }

    @Test
    void restReadsAndChangesDocumentsWithJsonOpsAndAutomergeChanges() {
        TandemClient tandem = tandem();
        JsonArray ops = json("[{\"op\":\"put\",\"path\":[\"shapes\",\"s1\"],\"value\":{\"kind\":\"rect\",\"z\":1}}]").asJsonArray();
        List<String> heads = tandem.applyOps(room, "canvas", ops);
        assertEquals(1, heads.size());
        DocumentState state = tandem.document(room, "canvas");
        assertEquals(room + "/canvas", state.doc());
        assertEquals(heads, state.heads());
        assertEquals(json("{\"kind\":\"rect\",\"z\":1}"), state.view().asJsonObject().getJsonObject("shapes").get("s1"));
        assertEquals(heads, tandem.documentHeads(room, "canvas"));

        // The saved bytes load in Automerge; a change made there goes back as encoded changes.
        byte[] saved = tandem.documentBytes(room, "canvas");
        Document doc = Document.load(saved);
        try {
            assertEquals(heads, Arrays.stream(doc.getHeads()).map(h -> hex(h.getBytes())).sorted().toList());
            ChangeHash[] before = doc.getHeads();
            ObjectId shapes = ((org.automerge.AmValue.Map) doc.get(ObjectId.ROOT, "shapes").orElseThrow()).getId();
            try (Transaction tx = doc.startTransaction()) {
                tx.set(shapes, "s2", "from java");
                tx.commit();
            }
            List<String> after = tandem.applyChanges(room, "canvas", doc.encodeChangesSince(before));
            assertNotEquals(heads, after);
            assertEquals("from java", tandem.document(room, "canvas").view().asJsonObject().getJsonObject("shapes").getString("s2"));
        } finally {
            doc.free();
        }

        TandemException badOp = assertThrows(TandemException.class, () -> tandem.applyOps(room, "canvas",
                json("[{\"op\":\"increment\",\"path\":[\"shapes\",\"nope\",\"n\"]}]").asJsonArray()));
        assertEquals("not_found", badOp.code());
        TandemException notAutomerge = assertThrows(TandemException.class,
                () -> tandem.applyChanges(room, "canvas", new byte[] {1, 2, 3}));
        assertEquals("bad_request", notAutomerge.code());
        assertEquals(2, tandem.document(room, "thread/7").view().asJsonObject().size(), "a thread's schema: title, messages");
    }

    /** Records what a listener is handed, in order. */
    private static final class Recorder implements TopicListener {
        final List<Long> seqs = Collections.synchronizedList(new ArrayList<>());
        final List<String> resets = Collections.synchronizedList(new ArrayList<>());
        volatile int snapshots;

        @Override
        public void onSnapshot(String topic, String epoch, long seq, List<TopicEvent> events, JsonValue state) {
            snapshots++;
            events.forEach(e -> seqs.add(e.seq()));
        }

        @Override
        public void onEvent(TopicEvent event) {
            seqs.add(event.seq());
        }

        @Override
        public void onReset(String topic, String reason) {
            resets.add(reason);
        }
    }

    @Test
    void realtimeSubscribersSeeEverySeqOnceInOrderAcrossDrops() throws Exception {
        TandemClient tandem = tandem();
        String topic = room + "/chat";
        try (RealtimeConnection alice = RealtimeConnection.open(base, tandem.mintToken(TokenRequest.of("alice", room).withName("Alice")));
             RealtimeConnection bob = RealtimeConnection.open(base, tandem.mintToken(TokenRequest.of("bob", room)))) {
            Recorder seenByAlice = new Recorder();
            Recorder seenByBob = new Recorder();
            alice.subscribe(topic, seenByAlice).get(10, TimeUnit.SECONDS);
            bob.subscribe(topic, seenByBob).get(10, TimeUnit.SECONDS);

            Published p = alice.publish(topic, json("{\"text\":\"hi\"}")).get(10, TimeUnit.SECONDS);
            assertEquals(1, p.seq());
            tandem.publish(room, "chat", json("{\"text\":\"from the back office\"}"));
            String bobSession = bob.session();
            // Bob's connection drops three times while events keep coming; each time he resumes from his position.
            for (int round = 0; round < 3; round++) {
                bob.dropConnection();
                for (int i = 0; i < 5; i++) {
                    tandem.publish(room, "chat", json("{\"round\":" + round + ",\"i\":" + i + "}"));
                }
                alice.publish(topic, json("{\"round\":" + round + "}")).get(10, TimeUnit.SECONDS);
            }
            long last = 2 + 3 * 6;
            await(() -> seenByAlice.seqs.size() >= last && seenByBob.seqs.size() >= last, "both to see " + last + " events");
            List<Long> expected = LongStream.rangeClosed(1, last).boxed().toList();
            assertEquals(expected, seenByAlice.seqs);
            assertEquals(expected, seenByBob.seqs, "every seq once, in order, across three drops");
            assertEquals(List.of(), seenByBob.resets);
            assertEquals(1, seenByBob.snapshots, "resumes replay from the position: no second snapshot");
            assertNotEquals(bobSession, bob.session(), "a reconnect is a new session");
        }
    }

    @Test
    void realtimeRefusalsAreTypedAndAListenerMayPublish() throws Exception {
        TandemClient tandem = tandem();
        String topic = room + "/agent";
        try (RealtimeConnection viewer = RealtimeConnection.open(base, tandem.mintToken(TokenRequest.of("vera", room).withRole("viewer")));
             RealtimeConnection echo = RealtimeConnection.open(base, tandem.mintToken(TokenRequest.of("echo", room)))) {
            CompletionException forbidden = assertThrows(CompletionException.class,
                    () -> viewer.publish(topic, json("{\"x\":1}")).join());
            assertEquals("forbidden", ((TandemException) forbidden.getCause()).code());
            CompletionException otherRoom = assertThrows(CompletionException.class,
                    () -> viewer.subscribe("elsewhere/chat", new Recorder()).join());
            assertEquals("forbidden", ((TandemException) otherRoom.getCause()).code());

            // A listener answers on the connection's own thread (no deadlock): every question gets one reply.
            List<String> replies = Collections.synchronizedList(new ArrayList<>());
            echo.subscribe(topic, new TopicListener() {
                @Override
                public void onEvent(TopicEvent event) {
                    if (event.data() != null && event.data().asJsonObject().containsKey("question")) {
                        echo.publish(topic, Json.createObjectBuilder().add("answer", event.seq()).build())
                                .thenAccept(ack -> replies.add(event.seq() + "->" + ack.seq()));
                    }
                }
            }).get(10, TimeUnit.SECONDS);
            Recorder watcher = new Recorder();
            viewer.subscribe(topic, watcher).get(10, TimeUnit.SECONDS);
            long q1 = tandem.publish(room, "agent", json("{\"question\":1}")).seq();
            long q2 = tandem.publish(room, "agent", json("{\"question\":2}")).seq();
            await(() -> replies.size() == 2 && watcher.seqs.size() == 4, "two answers");
            // An answer may land between the two questions: each question is answered once, by one of the other seqs.
            assertEquals(List.of(q1, q2), replies.stream().map(r -> Long.parseLong(r.split("->")[0])).sorted().toList());
            List<Long> answers = replies.stream().map(r -> Long.parseLong(r.split("->")[1])).sorted().toList();
            assertEquals(LongStream.rangeClosed(1, 4).boxed().filter(seq -> seq != q1 && seq != q2).toList(), answers);
            assertEquals(List.of(1L, 2L, 3L, 4L), watcher.seqs.stream().sorted().toList());
        }
        TandemException refused = assertThrows(TandemException.class, () -> RealtimeConnection.open(base, "not-a-token"));
        assertEquals("unauthorized", refused.code());

        // A listener may close its own connection: it ends at once, and later calls fail with closed.
        RealtimeConnection quitter = RealtimeConnection.open(base, tandem.mintToken(TokenRequest.of("quinn", room)));
        quitter.subscribe(topic, new TopicListener() {
            @Override
            public void onEvent(TopicEvent event) {
                quitter.close();
            }
        }).get(10, TimeUnit.SECONDS);
        long start = System.nanoTime();
        tandem.publish(room, "agent", json("{\"bye\":true}"));
        assertEquals("closed", quitter.whenClosed().get(3, TimeUnit.SECONDS).code());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3));
        TandemException afterClose = assertThrows(TandemException.class, () -> quitter.publish(topic, json("1")));
        assertEquals("closed", afterClose.code());
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(String.format("%02x", b));
        }
        return s.toString();
    }
}

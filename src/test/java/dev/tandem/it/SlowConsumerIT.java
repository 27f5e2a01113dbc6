package dev.tandem.it;

import static dev.tandem.it.ReceivedFrames.seqs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading is no longer pushed to while the others receive everything: it catches up
 * from the topic's history once it reads again, and is cut with slow_consumer only when it falls further
 * behind than the history reaches. The server runs with small outbox bounds (256 frames / 256 KiB) and a
 * 100-event history on channel {@code firehose} (see pom).
 */
class SlowConsumerIT extends DeployedTest {

    /** Publishes {@code count} events of {@code padBytes}, paced by the healthy readers (at most 8 ahead). */
    private static void publishPaced(WsClient publisher, String topic, int count, int padBytes, WsClient fast, SseClient sse) throws Exception {
        String pad = "x".repeat(padBytes);
        for (int i = 1; i <= count; i++) {
            if (i > 8 && i % 4 == 0) {
                fast.frames.awaitEventsUpTo(topic, i - 8);
                sse.frames.awaitEventsUpTo(topic, i - 8);
            }
            publisher.send("{\"type\":\"publish\",\"id\":\"p" + i + "\",\"topic\":\"" + topic
                    + "\",\"data\":{\"n\":" + i + ",\"pad\":\"" + pad + "\"}}");
        }
        List<Long> all = LongStream.rangeClosed(1, count).boxed().toList();
        assertEquals(all, seqs(fast.frames.awaitEventsUpTo(topic, count)), "the fast WebSocket got everything");
        assertEquals(all, seqs(sse.frames.awaitEventsUpTo(topic, count)), "the SSE client got everything");
    }

    /** How a test opens its slow client (WebSocket or SSE) and subscribes it with the frame given. */
    private interface SlowClient<S> {
        S subscribed(String subscribe) throws Exception;
    }

    /** A client that will stop reading, a publisher, and two healthy readers (WebSocket and SSE), all subscribed. */
    private record Clients<S extends AutoCloseable>(S slow, WsClient publisher, WsClient fast, SseClient sse)
            implements AutoCloseable {
        static <S extends AutoCloseable> Clients<S> subscribedTo(DeployedTest test, String topic, SlowClient<S> slow)
                throws Exception {
            String subscribe = "{\"type\":\"subscribe\",\"id\":\"s\",\"topic\":\"" + topic + "\"}";
            var clients = new Clients<>(slow.subscribed(subscribe),
                    WsClient.connect(test.base, test.rest.token("agent", test.room)),
                    WsClient.connect(test.base, test.rest.token("fast", test.room)),
                    SseClient.connect(test.base, test.rest.token("sse", test.room)));
            clients.fast.send(subscribe);
            clients.fast.frames.awaitReply("s");
            assertEquals(202, clients.sse.send(subscribe));
            clients.sse.frames.awaitReply("s");
            return clients;
        }

        @Override
        public void close() throws Exception {
            try (slow; publisher; fast; sse) {
                // Closes all four.
            }
        }
    }

    private RawWsClient slowWebSocket(String subscribe) throws Exception {
        RawWsClient slow = new RawWsClient(base, rest.token("slow", room));
        slow.send(subscribe);
        slow.read(3);
        return slow;
    }

    private RawSseClient slowEventStream(String subscribe) throws Exception {
        RawSseClient slow = new RawSseClient(base, rest.token("slow-sse", room));
        assertEquals(202, slow.send(subscribe));
        slow.readUntilReply("s");
        return slow;
    }

    @Test
    void aClientThatStopsReadingGetsEverythingInOrderOnceItReadsAgain() throws Exception {
        String topic = room + "/agent";
        int events = 1200;
        try (Clients<RawWsClient> clients = Clients.subscribedTo(this, topic, this::slowWebSocket)) {
            RawWsClient slow = clients.slow();
            WsClient publisher = clients.publisher();
            // The slow client now stops reading. 1,200 events of 8 KB (9.6 MB) are more than the kernel's
            // buffers (a few MB; the client's receive buffer is tiny) and its outbox (256 KiB) hold, so the
            // server stops pushing to it and it has to catch up from the history (5,000 events here).
            publishPaced(publisher, topic, events, 8000, clients.fast(), clients.sse());

            Thread reader = new Thread(slow::readToEnd, "slow-reader");
            reader.setDaemon(true);
            reader.start();
            List<Long> received = seqs(slow.frames.awaitEventsUpTo(topic, events));
            assertEquals(LongStream.rangeClosed(1, events).boxed().toList(), received, "everything, in order, once");
            assertFalse(slow.closed.isDone(), "not cut: the history still held everything it had not read");
            publisher.send("{\"type\":\"publish\",\"id\":\"last\",\"topic\":\"" + topic + "\",\"data\":{\"n\":0}}");
            assertEquals((long) events + 1, seqs(slow.frames.awaitEventsUpTo(topic, events + 1)).get(events),
                    "then live events again");
            assertTrue(slow.frames.seen().stream().noneMatch(f -> "reset".equals(f.getString("type"))
                    || "bye".equals(f.getString("type"))), "no reset, no bye");
        }
    }

    @Test
    void aClientFurtherBehindThanTheHistoryIsCutAndTheResumeTellsItWithAReset() throws Exception {
        String topic = room + "/firehose";
        int events = 900;
        try (Clients<RawWsClient> clients = Clients.subscribedTo(this, topic, this::slowWebSocket)) {
            RawWsClient slow = clients.slow();
            WsClient publisher = clients.publisher();
            String epoch = slow.frames.awaitReply("s").getString("epoch");
            // 900 events of 16 KB (14 MB): the kernel's buffers and the outbox hold at most ~300 of them,
            // the history 100, so the slow client falls behind the history and is cut.
            publishPaced(publisher, topic, events, 16_000, clients.fast(), clients.sse());

            slow.readToEnd();
            int closeCode = slow.closed.get(60, TimeUnit.SECONDS);
            boolean toldBye = slow.frames.seen().stream().anyMatch(f -> "bye".equals(f.getString("type"))
                    && "slow_consumer".equals(f.getString("code")) && f.getBoolean("reconnect"));
            assertTrue(toldBye || closeCode == 4008, "cut as slow consumer (close " + closeCode + ", bye " + toldBye + ")");
            List<Long> received = seqs(slow.frames.events(topic));
            assertTrue(received.size() < events, "the slow client was cut before the end: " + received.size());
            assertEquals(LongStream.rangeClosed(1, received.size()).boxed().toList(), received,
                    "what it got is a gap-free prefix");

            long lastSeq = received.isEmpty() ? 0 : received.get(received.size() - 1);
            try (WsClient again = WsClient.connect(base, rest.token("slow", room))) {
                again.send("{\"type\":\"subscribe\",\"id\":\"r\",\"topic\":\"" + topic + "\",\"since\":{\"epoch\":\""
                        + epoch + "\",\"seq\":" + lastSeq + "}}");
                JsonObject resumed = again.frames.awaitReply("r");
                assertEquals(false, resumed.getBoolean("recovered"), resumed.toString());
                assertEquals("history_gone", again.frames.awaitType("reset").getString("reason"));
                JsonObject snapshot = again.frames.awaitType("snapshot");
                assertEquals(events, snapshot.getInt("seq"));
                publisher.send("{\"type\":\"publish\",\"id\":\"last\",\"topic\":\"" + topic + "\",\"data\":{\"n\":0}}");
                assertEquals(List.of((long) events + 1), seqs(again.frames.awaitEventsUpTo(topic, events + 1)));
            }
        }
    }

    @Test
    void anEventStreamThatStopsBeingReadGetsEverythingInOrderOnceItIsReadAgain() throws Exception {
        String topic = room + "/agent";
        int events = 1200;
        try (Clients<RawSseClient> clients = Clients.subscribedTo(this, topic, this::slowEventStream)) {
            RawSseClient slow = clients.slow();
            // The slow client now stops reading. 1,200 events of 8 KB (9.6 MB) are more than the kernel's
            // buffers and the outbox hold, so the stream's writes wait on the container, the server stops
            // pushing to it, and it has to catch up from the history.
            publishPaced(clients.publisher(), topic, events, 8000, clients.fast(), clients.sse());

            Thread reader = new Thread(slow::readToEnd, "slow-sse-reader");
            reader.setDaemon(true);
            reader.start();
            List<Long> received = seqs(slow.frames.awaitEventsUpTo(topic, events));
            assertEquals(LongStream.rangeClosed(1, events).boxed().toList(), received, "everything, in order, once");
            assertFalse(slow.endedByServer, "not cut: the history still held everything it had not read");
            clients.publisher().send("{\"type\":\"publish\",\"id\":\"last\",\"topic\":\"" + topic + "\",\"data\":{\"n\":0}}");
            assertEquals((long) events + 1, seqs(slow.frames.awaitEventsUpTo(topic, events + 1)).get(events),
                    "then live events again");
            assertTrue(slow.frames.seen().stream().noneMatch(f -> "reset".equals(f.getString("type"))
                    || "bye".equals(f.getString("type"))), "no reset, no bye");
        }
    }

    @Test
    void anEventStreamFurtherBehindThanTheHistoryIsEndedAndResumesWithAReset() throws Exception {
        String topic = room + "/firehose";
        int events = 900;
        try (Clients<RawSseClient> clients = Clients.subscribedTo(this, topic, this::slowEventStream)) {
            RawSseClient slow = clients.slow();
            // 900 events of 16 KB (14 MB) against a 100-event history: the stream falls behind it and is ended.
            publishPaced(clients.publisher(), topic, events, 16_000, clients.fast(), clients.sse());

            slow.readToEnd();
            assertTrue(slow.endedByServer, "the server ended the stream");
            List<Long> received = seqs(slow.frames.eventsReceived(topic));
            assertTrue(received.size() < events, "the stream was ended before the end: " + received.size());
            assertEquals(LongStream.rangeClosed(1, received.size()).boxed().toList(), received,
                    "what it got is a gap-free prefix");

            // EventSource reconnects with the last event id: the session continues from that exact event (what
            // its outbox still held), then says the rest of the history is gone and sends the topic's state.
            try (SseClient again = SseClient.reconnect(base, rest.token("slow-sse", room), slow.lastEventId())) {
                assertEquals(slow.sessionId, again.sessionId, "the same session");
                assertEquals("history_gone", again.frames.awaitType("reset").getString("reason"));
                List<Long> continued = seqs(again.frames.events(topic));
                assertEquals(LongStream.rangeClosed(received.size() + 1, received.size() + continued.size()).boxed()
                        .toList(), continued, "before the reset: the events right after the last one it got");
                assertEquals(events, again.frames.awaitType("snapshot").getInt("seq"));
                clients.publisher().send("{\"type\":\"publish\",\"id\":\"last\",\"topic\":\"" + topic
                        + "\",\"data\":{\"n\":0}}");
                List<Long> all = seqs(again.frames.awaitEventsUpTo(topic, events + 1));
                assertEquals(List.of((long) events + 1), all.subList(continued.size(), all.size()), "after it: live events");
            }
        }
    }

    @Test
    void aPostThatMeetsAnOverflowedStreamSaysHowManyOfItsFramesWereHandled() throws Exception {
        String topic = room + "/big";
        String pad = "x".repeat(4000);
        for (int i = 0; i < 50; i++) {
            assertEquals(201, rest.post("api/v1/rooms/" + room + "/channels/big/events",
                    "{\"data\":{\"n\":" + i + ",\"pad\":\"" + pad + "\"}}").status());
        }
        try (RawSseClient slow = new RawSseClient(base, rest.token("slow-post", room))) {
            // It never reads: each subscribe answers with a ~200 KB snapshot, so a body of them fills the socket's
            // buffers and then the outbox (256 KiB here), which overflows part way through the body.
            StringBuilder body = new StringBuilder("[");
            for (int i = 0; i < 64; i++) {
                body.append(i == 0 ? "" : ",").append("{\"type\":\"subscribe\",\"id\":\"s").append(i)
                        .append("\",\"topic\":\"").append(topic).append("\"}");
            }
            String frames = body.append("]").toString();
            Rest.Reply reply = slow.post(frames);
            for (int attempt = 1; attempt < 20 && reply.status() == 202; attempt++) {
                reply = slow.post(frames); // the socket's buffers took all of it: fill them further
            }
            assertEquals(503, reply.status(), reply.toString());
            assertEquals("slow_consumer", reply.body().getString("code"));
            int accepted = reply.body().getInt("accepted");
            assertTrue(accepted >= 0 && accepted < 64, "handled up to the overflow: " + accepted);
        }
    }
}

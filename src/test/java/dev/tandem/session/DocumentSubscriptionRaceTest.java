package dev.tandem.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tandem.auth.Role;
import dev.tandem.config.TandemConfig;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An SSE client's requests may arrive on several threads at once: subscribing to and leaving one document
 * concurrently must leave the document's owner agreeing with the session (no orphan peer holding a sync
 * state, which would also keep the document from ever being evicted).
 */
class DocumentSubscriptionRaceTest {
    private final SessionFixture fixture = new SessionFixture(TandemConfig.defaults());

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void concurrentSubscribesAndUnsubscribesLeaveNoOrphanPeer() throws Exception {
        FakeConnection connection = new FakeConnection();
        ClientSession session = fixture.open(connection, "ann", Role.COLLABORATOR);
        String subscribe = "{\"type\":\"doc.subscribe\",\"id\":\"s\",\"doc\":\"r1/canvas\",\"mode\":\"sync\"}";
        String unsubscribe = "{\"type\":\"doc.unsubscribe\",\"id\":\"u\",\"doc\":\"r1/canvas\"}";
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch start = new CountDownLatch(1);
        int rounds = 300;
        // Subscribing again while subscribed replaces the peer; leaving right after must still win.
        String[][] scripts = {{subscribe, subscribe, unsubscribe}, {unsubscribe, subscribe}};
        for (String[] script : scripts) {
            pool.submit(() -> {
                start.await();
                for (int i = 0; i < rounds; i++) {
                    for (String frame : script) {
                        session.receive(frame);
                    }
                }
                return null;
            });
        }
        start.countDown();
        pool.shutdown();
        pool.awaitTermination(60, TimeUnit.SECONDS);
        session.receive(unsubscribe); // leave for good (not_found if the last request already did)
        long requests = (long) rounds * (scripts[0].length + scripts[1].length) + 1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (answers(connection) < requests && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(requests, answers(connection), "every request answered");
        assertEquals(0, fixture.docs.nativeCounts().syncStates(), "a peer the session no longer knows is attached");
    }

    private static long answers(FakeConnection connection) {
        synchronized (connection) {
            return connection.frames.stream().filter(f -> f.getString("type").equals("ack") || f.getString("type").equals("error")).count();
        }
    }
}

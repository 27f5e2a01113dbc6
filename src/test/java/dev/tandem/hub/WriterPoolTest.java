package dev.tandem.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WriterPoolTest {
    /** A pool that only records what it is given, so the test runs the tasks when it chooses. */
    private final List<Runnable> pooled = new ArrayList<>();
    private final WriterPool writers = new WriterPool(pooled::add, 4);

    @Test
    void outsideABatchEveryChainGetsAPoolTaskOfItsOwn() {
        List<Integer> ran = new ArrayList<>();
        writers.startWrites(() -> ran.add(1), true, null);
        writers.startWrites(() -> ran.add(2), false, null);
        writers.execute(() -> ran.add(3));
        assertEquals(3, pooled.size());
        assertEquals(List.of(), ran, "nothing runs on the caller");
        pooled.forEach(Runnable::run);
        assertEquals(List.of(1, 2, 3), ran);
    }

    @Test
    void aBatchStartsItsChainsWhenTheWorkIsDoneTheFirstChunkOnTheCallerTheRestInAtMostThreadsMinusOneTasks() {
        List<Integer> ran = new ArrayList<>();
        String result = writers.batched(() -> {
            for (int i = 0; i < 200; i++) {
                int n = i;
                writers.startWrites(() -> ran.add(n), true, null);
            }
            assertEquals(List.of(), ran, "nothing starts while the work runs (the topic lock is held)");
            assertEquals(0, pooled.size());
            return "published";
        });
        assertEquals("published", result);
        assertEquals(50, ran.size(), "the first quarter ran on the calling thread");
        assertEquals(3, pooled.size(), "200 chains in 3 pool tasks, not 200");
        pooled.forEach(Runnable::run);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            expected.add(i);
        }
        assertEquals(expected, ran, "every chain ran once, in the order given");
    }

    @Test
    void chainsThatMayBlockNeverJoinABatch() {
        List<String> ran = new ArrayList<>();
        writers.batched(() -> {
            writers.startWrites(() -> ran.add("sse"), false, null);
            assertEquals(1, pooled.size(), "a blocking sink's chain goes to its own task at once");
            writers.startWrites(() -> ran.add("ws"), true, null);
            return null;
        });
        assertEquals(List.of("ws"), ran);
        assertEquals(1, pooled.size());
        pooled.get(0).run();
        assertEquals(List.of("ws", "sse"), ran);
    }

    @Test
    void chainsWithAWriteThreadStartThereOneTaskPerThreadAndBatch() {
        List<Runnable> ioThreadA = new ArrayList<>();
        List<Runnable> ioThreadB = new ArrayList<>();
        Executor a = ioThreadA::add;
        Executor b = ioThreadB::add;
        List<String> ran = new ArrayList<>();
        writers.batched(() -> {
            writers.startWrites(() -> ran.add("a1"), true, a);
            writers.startWrites(() -> ran.add("b1"), true, b);
            writers.startWrites(() -> ran.add("a2"), true, a);
            writers.startWrites(() -> ran.add("sse"), false, a);
            return null;
        });
        assertEquals(1, ioThreadA.size(), "one task for both of thread A's connections");
        assertEquals(1, ioThreadB.size());
        assertEquals(1, pooled.size(), "a chain that may block ignores the write thread");
        ioThreadA.get(0).run();
        ioThreadB.get(0).run();
        assertEquals(List.of("a1", "a2", "b1"), ran);
        writers.startWrites(() -> ran.add("a3"), true, a);
        assertEquals(2, ioThreadA.size(), "outside a batch the chain goes to its thread at once");
    }

    @Test
    void aWriteThreadThatRefusesTasksLeavesTheChainToThePool() {
        Executor stopped = task -> {
            throw new RejectedExecutionException("I/O thread stopped");
        };
        AtomicInteger ran = new AtomicInteger();
        writers.batched(() -> {
            writers.startWrites(ran::incrementAndGet, true, stopped);
            return null;
        });
        writers.startWrites(ran::incrementAndGet, true, stopped);
        assertEquals(2, pooled.size());
        pooled.forEach(Runnable::run);
        assertEquals(2, ran.get());
    }

    @Test
    void smallBatchesRunWhollyOnTheCaller() {
        AtomicInteger ran = new AtomicInteger();
        writers.batched(() -> {
            for (int i = 0; i < 2 * WriterPool.MIN_CHUNK - 1; i++) {
                writers.startWrites(ran::incrementAndGet, true, null);
            }
            return null;
        });
        assertEquals(2 * WriterPool.MIN_CHUNK - 1, ran.get());
        assertEquals(0, pooled.size());
    }

    @Test
    void nestedBatchesJoinTheOuterOneAndAFailingChainDoesNotStopTheRestOfItsChunk() {
        AtomicInteger ran = new AtomicInteger();
        writers.batched(() -> {
            writers.startWrites(() -> {
                throw new IllegalStateException("one connection failed");
            }, true, null);
            writers.batched(() -> {
                for (int i = 0; i < 10; i++) {
                    writers.startWrites(ran::incrementAndGet, true, null);
                }
                return null;
            });
            assertEquals(0, ran.get(), "the inner batch waits for the outer one");
            return null;
        });
        assertEquals(10, ran.get());
    }

    @Test
    void chainsAreStartedEvenWhenTheWorkThrowsAndTheBatchEnds() {
        AtomicInteger ran = new AtomicInteger();
        assertThrows(IllegalArgumentException.class, () -> writers.batched(() -> {
            writers.startWrites(ran::incrementAndGet, true, null);
            throw new IllegalArgumentException("bad publish");
        }));
        assertEquals(1, ran.get());
        writers.startWrites(ran::incrementAndGet, true, null);
        assertEquals(1, pooled.size(), "the batch ended: chains go to the pool again");
    }
}

package dev.tandem.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WriterPoolTest {
    /** A pool that only records what it is given, so the test runs the tasks when it chooses. */
    private final List<Runnable> handedOver = new ArrayList<>();
    private final WriterPool writers = new WriterPool(handedOver::add, 4);

    @Test
    void outsideABatchEveryTaskGoesToThePoolAtOnce() {
        List<Integer> ran = new ArrayList<>();
        writers.execute(() -> ran.add(1));
        writers.execute(() -> ran.add(2));
        assertEquals(2, handedOver.size());
        handedOver.forEach(Runnable::run);
        assertEquals(List.of(1, 2), ran);
    }

    @Test
    void aBatchHandsItsTasksOverOnlyWhenTheWorkIsDoneSpreadOverAtMostThreadsChunks() {
        List<Integer> ran = new ArrayList<>();
        String result = writers.batched(() -> {
            for (int i = 0; i < 200; i++) {
                int n = i;
                writers.execute(() -> ran.add(n));
            }
            assertEquals(0, handedOver.size(), "nothing handed over while the work runs");
            return "published";
        });
        assertEquals("published", result);
        assertEquals(4, handedOver.size(), "200 tasks in 4 pool tasks, not 200");
        handedOver.forEach(Runnable::run);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            expected.add(i);
        }
        assertEquals(expected, ran, "every task ran once, in the order given");
    }

    @Test
    void smallBatchesUseFewerPoolTasksAndASingleTaskIsHandedOverAsItIs() {
        writers.batched(() -> {
            for (int i = 0; i < 2 * WriterPool.MIN_CHUNK + 1; i++) {
                writers.execute(() -> { });
            }
            return null;
        });
        assertEquals(2, handedOver.size());
        handedOver.clear();
        Runnable only = () -> { };
        writers.batched(() -> {
            writers.execute(only);
            return null;
        });
        assertEquals(List.of(only), handedOver);
    }

    @Test
    void nestedBatchesJoinTheOuterOneAndAFailingTaskDoesNotStopTheRestOfItsChunk() {
        AtomicInteger ran = new AtomicInteger();
        writers.batched(() -> {
            writers.execute(() -> {
                throw new IllegalStateException("one connection failed");
            });
            writers.batched(() -> {
                for (int i = 0; i < 10; i++) {
                    writers.execute(ran::incrementAndGet);
                }
                return null;
            });
            assertEquals(0, handedOver.size(), "the inner batch waits for the outer one");
            return null;
        });
        assertEquals(1, handedOver.size());
        handedOver.get(0).run();
        assertEquals(10, ran.get());
    }

    @Test
    void tasksAreHandedOverEvenWhenTheWorkThrows() {
        assertThrows(IllegalArgumentException.class, () -> writers.batched(() -> {
            writers.execute(() -> { });
            throw new IllegalArgumentException("bad publish");
        }));
        assertEquals(1, handedOver.size());
        handedOver.clear();
        writers.execute(() -> { });
        assertEquals(1, handedOver.size(), "the batch ended: tasks go straight to the pool again");
    }
}

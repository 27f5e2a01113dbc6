package dev.tandem.transport.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IdleTimersTest {
    private final IdleTimers timers = new IdleTimers(Executors.defaultThreadFactory());

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    /** Shaped like Tyrus 2's TyrusSession: the timer's executor and the lock it is read under. */
    static final class TyrusLikeSession {
        private final Object idleTimeoutLock = new Object();
        private ScheduledExecutorService service;

        TyrusLikeSession(ScheduledExecutorService containerExecutor) {
            service = containerExecutor;
        }

        ScheduledExecutorService service() {
            synchronized (idleTimeoutLock) {
                return service;
            }
        }
    }

    static final class OtherSession {
        private final String service = "not an executor";
    }

    @Test
    void aTaskWithoutDelayRunsOnTheCallerAndNothingIsQueued() throws Exception {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        ScheduledFuture<?> future = timers.schedule(() -> ranOn.set(Thread.currentThread()), 0, TimeUnit.MILLISECONDS);
        assertSame(Thread.currentThread(), ranOn.get());
        assertTrue(future.isDone());
        assertEquals(null, future.get());
        assertFalse(future.cancel(false));
        assertEquals(0, timers.getQueue().size());
        assertEquals(0, timers.getPoolSize(), "no thread is started for immediate tasks");
    }

    @Test
    void aTaskWithADelayRunsLaterOnTheSchedulerThread() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        timers.schedule(() -> {
            ranOn.set(Thread.currentThread());
            ran.countDown();
        }, 20, TimeUnit.MILLISECONDS);
        assertTrue(ran.await(5, TimeUnit.SECONDS));
        assertFalse(Thread.currentThread() == ranOn.get());
    }

    @Test
    void aCancelledTimerLeavesTheQueueAtOnce() {
        ScheduledFuture<?> future = timers.schedule(() -> { }, 1, TimeUnit.HOURS);
        assertEquals(1, timers.getQueue().size());
        future.cancel(false);
        assertEquals(0, timers.getQueue().size());
    }

    @Test
    void afterShutdownADelayedTimerIsDroppedInsteadOfFailingTheCaller() {
        timers.shutdownNow();
        ScheduledFuture<?> future = timers.schedule(() -> { }, 1, TimeUnit.HOURS);
        assertTrue(future.isDone());
    }

    @Test
    void aTyrusLikeSessionIsMovedToTandemsScheduler() {
        ScheduledExecutorService container = Executors.newSingleThreadScheduledExecutor();
        try {
            TyrusLikeSession session = new TyrusLikeSession(container);
            assertTrue(timers.adopt(session));
            assertSame(timers, session.service());
        } finally {
            container.shutdownNow();
        }
    }

    @Test
    void aSessionWithoutSuchAnExecutorIsLeftAlone() {
        OtherSession session = new OtherSession();
        assertFalse(timers.adopt(session));
        assertFalse(timers.adopt(new Object()));
        assertEquals("not an executor", session.service);
    }
}

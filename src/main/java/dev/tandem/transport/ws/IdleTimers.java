package dev.tandem.transport.ws;

import java.lang.reflect.Field;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The scheduler for a WebSocket container's per-session idle timer, and the hook that gives it to a
 * Tyrus (Payara) session.
 *
 * <p>Tyrus restarts a session's idle timer on every message received and every message sent
 * ({@code TyrusSession.restartIdleTimeoutExecutor}): it cancels the last timer task and schedules a
 * new one on the container's scheduled executor. On Payara that executor is the managed
 * {@code DefaultManagedScheduledExecutorService}, and every {@code schedule} captures the caller's
 * context, including a {@code ServiceLoader} scan of the thread context class loader's jars; with no
 * idle timeout (the default) the task is scheduled with delay 0 and queued for a managed thread to run
 * a no-op. At fan-out rates that was most of the server's CPU and filled the executor's queue
 * (bench/PROFILING.md). Tandem has no use for the container's idle timeout (its own session TTL and
 * outbox limits bound a connection), so each Tyrus session gets this scheduler instead: delay ≤ 0
 * tasks run at once on the caller (Tyrus's timer task only acts when a positive timeout has passed),
 * positive delays behave as usual, and cancelled timers leave the queue at once.
 *
 * <p>Other containers (Undertow) have no such field and are left alone.
 */
final class IdleTimers extends ScheduledThreadPoolExecutor {
    private static final Logger LOG = Logger.getLogger(IdleTimers.class.getName());
    /** Tyrus 2.x: {@code TyrusSession.service} (the timer's executor) and {@code idleTimeoutLock}. */
    static final String SERVICE_FIELD = "service";
    static final String LOCK_FIELD = "idleTimeoutLock";

    private volatile boolean unsupportedLogged;

    IdleTimers(ThreadFactory threads) {
        super(1, threads);
        setRemoveOnCancelPolicy(true);
        setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        if (delay <= 0) {
            return runNow(new FutureTask<>(command, null));
        }
        try {
            return super.schedule(command, delay, unit);
        } catch (RejectedExecutionException shutDown) {
            // Undeployed while the container still has open sessions: their idle timers no longer matter.
            return runNow(new FutureTask<>(() -> { }, null));
        }
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        if (delay <= 0) {
            return runNow(new FutureTask<>(callable));
        }
        return super.schedule(callable, delay, unit);
    }

    private static <V> ScheduledFuture<V> runNow(FutureTask<V> task) {
        task.run();
        return new Done<>(task);
    }

    /**
     * Makes {@code session}'s container schedule its idle timer here, when the session is a Tyrus
     * session; returns whether it did. Must run before the session is used by other threads
     * (in {@code @OnOpen}); the swap happens under the session's own timer lock.
     */
    boolean adopt(Object session) {
        Field service = field(session.getClass(), SERVICE_FIELD);
        if (service == null || service.getType() != ScheduledExecutorService.class) {
            return false;
        }
        Field lockField = field(session.getClass(), LOCK_FIELD);
        try {
            service.setAccessible(true);
            Object lock = session;
            if (lockField != null) {
                lockField.setAccessible(true);
                lock = lockField.get(session);
            }
            synchronized (lock) {
                service.set(session, this);
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (!unsupportedLogged) {
                unsupportedLogged = true;
                LOG.log(Level.INFO, "WebSocket idle timers stay on the container's executor: " + e, e);
            }
            return false;
        }
    }

    private static Field field(Class<?> type, String name) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getName().equals(name)) {
                    return f;
                }
            }
        }
        return null;
    }

    /** A task that has already run. */
    private record Done<V>(FutureTask<V> task) implements ScheduledFuture<V> {
        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(0, other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean isDone() {
            return true;
        }

        @Override
        public V get() throws java.util.concurrent.ExecutionException, InterruptedException {
            return task.get();
        }

        @Override
        public V get(long timeout, TimeUnit unit) throws java.util.concurrent.ExecutionException, InterruptedException {
            return task.get();
        }
    }
}

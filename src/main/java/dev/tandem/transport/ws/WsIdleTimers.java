package dev.tandem.transport.ws;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.websocket.Session;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/** One {@link IdleTimers} per deployment, shut down on undeploy. */
@ApplicationScoped
public class WsIdleTimers {
    private static final Logger LOG = Logger.getLogger(WsIdleTimers.class.getName());
    private IdleTimers timers;
    private volatile boolean reported;

    @PostConstruct
    void start() {
        AtomicInteger counter = new AtomicInteger();
        timers = new IdleTimers(runnable -> {
            Thread thread = new Thread(runnable, "tandem-ws-idle-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @PreDestroy
    void stop() {
        timers.shutdownNow();
    }

    /**
     * Runs {@code task} on this scheduler after {@code millis} (at once if the deployment is going away).
     * Used to close a WebSocket outside the container's own callbacks (see {@link WsConnection#close}).
     */
    public void later(Runnable task, long millis) {
        try {
            timers.schedule(task, Math.max(1, millis), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException shutDown) {
            task.run();
        }
    }

    /** Gives a new session's container idle timer to Tandem's scheduler where the container allows it. */
    public void adopt(Session session) {
        boolean adopted = timers.adopt(session);
        if (!reported) {
            reported = true;
            LOG.info(() -> "WebSocket idle timers (" + session.getClass().getName() + "): "
                    + (adopted ? "Tandem's scheduler" : "the container's"));
        }
    }
}

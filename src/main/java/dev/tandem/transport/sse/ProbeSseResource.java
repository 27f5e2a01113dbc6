package dev.tandem.transport.sse;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

/**
 * TEMPORARY infrastructure probe: {@code GET /api/realtime/sse} emits three events
 * ({@code id} 1..3, event name {@code probe}) 100 ms apart (or {@code ?gapMs=}, at most 2000), then closes. It proves that JAX-RS
 * SSE under {@code /api/realtime/sse} streams event by event (no buffering) beside the WebSocket
 * endpoint at {@code /api/realtime} ({@code SmokeIT}). Replace with the real SSE transport.
 */
@Path("realtime/sse")
public class ProbeSseResource {

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void stream(@Context SseEventSink sink, @Context Sse sse,
            @QueryParam("gapMs") @DefaultValue("100") int gapMs) {
        long gap = Math.max(0, Math.min(gapMs, 2000));
        // A plain thread keeps the probe free of container executors; the request thread returns at once.
        Thread t = new Thread(() -> {
            try (SseEventSink s = sink) {
                for (int i = 1; i <= 3; i++) {
                    OutboundSseEvent event = sse.newEventBuilder()
                            .id(Integer.toString(i))
                            .name("probe")
                            .data(String.class, "{\"n\":" + i + ",\"t\":" + System.currentTimeMillis() + "}")
                            .build();
                    s.send(event).toCompletableFuture().join();
                    if (i < 3) {
                        Thread.sleep(gap);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // client went away: nothing to do for a probe
            }
        }, "tandem-sse-probe");
        t.setDaemon(true);
        t.start();
    }
}

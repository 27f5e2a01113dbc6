package dev.tandem.transport.sse;

import dev.tandem.boot.TandemRuntime;
import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.ProtocolException;
import dev.tandem.session.ClientSession;
import dev.tandem.session.ConnectionHandler;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.io.IOException;

/**
 * SSE transport: {@code GET /api/realtime/sse} streams frames downstream, {@code POST
 * /api/realtime/sse/{session}} takes one frame or an array of frames upstream; replies arrive on the
 * stream. A reconnect with {@code Last-Event-ID} resumes the session while it is retained.
 */
@Path("realtime/sse")
@RequestScoped
public class SseEndpoint {
    @Inject
    TandemRuntime runtime;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void stream(@Context SseEventSink sink, @Context Sse sse, @Context HttpServletResponse response,
                       @QueryParam("token") String tokenParam, @HeaderParam("Authorization") String authorization,
                       @HeaderParam("Last-Event-ID") String lastEventId, @QueryParam("resume") String resumeParam) {
        String token = tokenParam != null ? tokenParam : bearer(authorization);
        response.setHeader("Cache-Control", "no-cache, no-transform");
        response.setHeader("X-Accel-Buffering", "no");
        // A refused token or connection (limit_exceeded) is an HTTP status, not an event: EventSource gives
        // up on 4xx instead of retrying forever.
        new ConnectionHandler(runtime.sessions(), new SseConnection(sink, sse))
                .openOrThrow(token, lastEventId != null && !lastEventId.isBlank() ? lastEventId : resumeParam);
        shrinkSendBuffer(response);
    }

    /** Jersey writes events to the response's servlet output stream; on Payara that stream's buffer is shrunk. */
    private static void shrinkSendBuffer(HttpServletResponse response) {
        try {
            SseSendBuffers.shrink(response.getOutputStream());
        } catch (IOException | IllegalStateException e) {
            // The stream is closed already, or the JAX-RS runtime writes through a writer: nothing to shrink.
        }
    }

    @POST
    @Path("{session}")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response upstream(@PathParam("session") String sessionId, String body) {
        ClientSession session = runtime.sessions().find(sessionId);
        if (session == null) {
            throw new ProtocolException(ErrorCode.SESSION_EXPIRED, "no such session (expired?): reconnect the stream");
        }
        JsonValue frames;
        try {
            frames = runtime.codec().parseBody(body == null ? "" : body);
        } catch (ProtocolException e) {
            session.reply(e.toFrame());
            throw e;
        }
        session.receive(frames);
        int count = frames instanceof JsonArray array ? array.size() : 1;
        return Response.accepted("{\"accepted\":" + count + "}").type(MediaType.APPLICATION_JSON_TYPE).build();
    }

    private static String bearer(String authorization) {
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).trim();
        }
        return null;
    }
}

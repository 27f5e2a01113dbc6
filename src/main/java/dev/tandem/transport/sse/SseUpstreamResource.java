package dev.tandem.transport.sse;

import dev.tandem.boot.TandemRuntime;
import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.ProtocolException;
import dev.tandem.session.ClientSession;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * SSE upstream: {@code POST /api/realtime/sse/{session}} takes one frame or an array of frames; replies
 * arrive on the session's event stream ({@link SseStreamServlet}, {@code GET /api/realtime/sse}).
 */
@Path("realtime/sse")
@RequestScoped
public class SseUpstreamResource {
    @Inject
    TandemRuntime runtime;

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
        int handled;
        try {
            // Only a session that may write documents sends document data (viewers' doc.sync is refused anyway).
            frames = runtime.codec().parseBody(body == null ? "" : body, session.principal().role().canWrite());
            handled = session.receive(frames);
        } catch (ProtocolException e) { // the body as a whole is refused: nothing in it was handled
            session.reply(e.toFrame());
            throw e;
        }
        int count = frames instanceof JsonArray array ? array.size() : 1;
        if (handled < count) {
            return Response.status(Response.Status.SERVICE_UNAVAILABLE).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity("{\"code\":\"slow_consumer\",\"message\":\"the stream overflowed and is being cut: "
                            + "resume it, then send the frames after the accepted ones again\",\"accepted\":" + handled + "}")
                    .build();
        }
        return Response.accepted("{\"accepted\":" + count + "}").type(MediaType.APPLICATION_JSON_TYPE).build();
    }
}

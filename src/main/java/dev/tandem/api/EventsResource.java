package dev.tandem.api;

import static dev.tandem.protocol.JsonSupport.JSON;

import dev.tandem.boot.TandemRuntime;
import dev.tandem.hub.HistoryPage;
import dev.tandem.hub.StoredEvent;
import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.FrameCodec;
import dev.tandem.protocol.Frames;
import dev.tandem.protocol.ProtocolException;
import dev.tandem.protocol.TopicName;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.HashSet;
import java.util.List;

/**
 * Server-side publishing and history of a topic, for holders of the API key:
 * {@code POST|GET /api/v1/rooms/{room}/channels/{channel}/events}.
 */
@Path("v1/rooms/{room}/channels/{channel}/events")
@RequestScoped
public class EventsResource {
    private static final int MAX_PAGE = 1000;

    @Inject
    TandemRuntime runtime;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response publish(@PathParam("room") String room, @PathParam("channel") String channel,
                            @HeaderParam("Authorization") String authorization,
                            @HeaderParam("X-Api-Key") String apiKey, String body) {
        runtime.apiKeys().require(authorization, apiKey);
        TopicName topic = new TopicName(room, channel);
        // The same bound as a publish frame over WebSocket or SSE: no event gets in here that a client could not send.
        if (body != null && FrameCodec.utf8Length(body) > runtime.config().maxFrameBytes()) {
            throw new ProtocolException(ErrorCode.TOO_LARGE, "body exceeds tandem.maxFrameBytes ("
                    + runtime.config().maxFrameBytes() + " bytes)");
        }
        JsonObject request = JsonBodies.object(body);
        JsonValue data = request.get("data");
        if (data == null) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "data is required");
        }
        List<String> to = JsonBodies.optionalStrings(request, "to");
        String from = JsonBodies.optionalString(request, "from");
        Frames.Position at = runtime.hub().publish(topic, data, from == null ? "server" : from,
                to == null ? null : new HashSet<>(to));
        String response = JSON.createObjectBuilder()
                .add("topic", topic.toString()).add("epoch", at.epoch()).add("seq", at.seq())
                .build().toString();
        return Response.status(Response.Status.CREATED).entity(response).build();
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String history(@PathParam("room") String room, @PathParam("channel") String channel,
                          @HeaderParam("Authorization") String authorization, @HeaderParam("X-Api-Key") String apiKey,
                          @QueryParam("since") @DefaultValue("0") String sinceParam,
                          @QueryParam("limit") @DefaultValue("100") String limitParam) {
        runtime.apiKeys().require(authorization, apiKey);
        long since = number(sinceParam, "since");
        long limit = number(limitParam, "limit");
        if (since < 0 || limit < 1 || limit > MAX_PAGE) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "since must be >= 0 and limit within 1.." + MAX_PAGE);
        }
        HistoryPage page = runtime.hub().history(new TopicName(room, channel), since, (int) limit);
        JsonArrayBuilder events = JSON.createArrayBuilder();
        for (StoredEvent event : page.events()) {
            events.add(event.toJson());
        }
        return JSON.createObjectBuilder()
                .add("topic", page.topic()).add("epoch", page.epoch()).add("seq", page.seq())
                .add("complete", page.complete()).add("events", events)
                .build().toString();
    }

    private static long number(String value, String name) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, name + " must be an integer");
        }
    }
}

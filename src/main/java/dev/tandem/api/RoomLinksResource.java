package dev.tandem.api;

import static dev.tandem.protocol.JsonSupport.JSON;

import dev.tandem.auth.Role;
import dev.tandem.auth.ShareLinks;
import dev.tandem.boot.TandemRuntime;
import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.ProtocolException;
import dev.tandem.protocol.TopicName;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Share links of a room, for the API key or an owner's join token: {@code POST /api/v1/rooms/{room}/links}
 * mints one ({@code {"role": "viewer" | "collaborator"}}), {@code GET} lists them, {@code DELETE .../{id}}
 * revokes one and ends the live connections that joined through it.
 */
@Path("v1/rooms/{room}/links")
@RequestScoped
public class RoomLinksResource {
    @Inject
    TandemRuntime runtime;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response create(@PathParam("room") String room, @HeaderParam("Authorization") String authorization,
                           @HeaderParam("X-Api-Key") String apiKey, String body) {
        requireRoomName(room);
        String caller = Callers.requireApiKeyOrOwner(runtime, room, authorization, apiKey);
        JsonObject request = body == null || body.isBlank() ? JsonObject.EMPTY_JSON_OBJECT : JsonBodies.object(body);
        String role = JsonBodies.optionalString(request, "role");
        Role parsed;
        try {
            parsed = Role.parse(role == null ? "viewer" : role);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, e.getMessage());
        }
        ShareLinks.Link link = runtime.shareLinks().create(room, parsed, caller);
        return Response.status(Response.Status.CREATED).entity(json(link).build().toString()).build();
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String list(@PathParam("room") String room, @HeaderParam("Authorization") String authorization,
                       @HeaderParam("X-Api-Key") String apiKey) {
        requireRoomName(room);
        Callers.requireApiKeyOrOwner(runtime, room, authorization, apiKey);
        var links = JSON.createArrayBuilder();
        runtime.shareLinks().list(room).forEach(link -> links.add(json(link)));
        return JSON.createObjectBuilder().add("links", links).build().toString();
    }

    @DELETE
    @Path("{id}")
    public Response revoke(@PathParam("room") String room, @PathParam("id") String id,
                           @HeaderParam("Authorization") String authorization, @HeaderParam("X-Api-Key") String apiKey) {
        requireRoomName(room);
        Callers.requireApiKeyOrOwner(runtime, room, authorization, apiKey);
        if (!runtime.shareLinks().revoke(room, id)) {
            throw new ProtocolException(ErrorCode.NOT_FOUND, "room " + room + " has no such link");
        }
        runtime.sessions().endLinkSessions(id);
        return Response.noContent().build();
    }

    static JsonObjectBuilder json(ShareLinks.Link link) {
        JsonObjectBuilder json = JSON.createObjectBuilder().add("id", link.id()).add("room", link.room())
                .add("role", link.role().wire()).add("createdBy", link.createdBy())
                .add("createdAt", link.createdAt().toEpochMilli());
        if (link.revokedAt() != null) {
            json.add("revokedAt", link.revokedAt().toEpochMilli());
        }
        return json;
    }

    private static void requireRoomName(String room) {
        if (!TopicName.isValidName(room)) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "room must match [A-Za-z0-9_-]{1,64}");
        }
    }
}

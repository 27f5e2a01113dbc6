package dev.tandem.api;

import static dev.tandem.protocol.JsonSupport.JSON;

import dev.tandem.auth.Principal;
import dev.tandem.auth.Role;
import dev.tandem.boot.TandemRuntime;
import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.ProtocolException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;

/**
 * {@code POST /api/v1/tokens}: an app backend holding the API key mints a join token for one of its
 * users or agents.
 */
@Path("v1/tokens")
@RequestScoped
public class TokensResource {
    private static final long MAX_TTL_SECONDS = 7 * 24 * 3600;

    @Inject
    TandemRuntime runtime;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response mint(@HeaderParam("Authorization") String authorization, @HeaderParam("X-Api-Key") String apiKey,
                         String body) {
        runtime.apiKeys().require(authorization, apiKey);
        JsonObject request = JsonBodies.object(body);
        String identity = JsonBodies.requiredString(request, "identity");
        String name = JsonBodies.optionalString(request, "name");
        List<String> rooms = JsonBodies.optionalStrings(request, "rooms");
        String room = JsonBodies.optionalString(request, "room");
        if (rooms == null) {
            rooms = room == null ? null : List.of(room);
        }
        if (rooms == null) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "rooms (or room) is required");
        }
        Role role;
        try {
            role = Role.parse(JsonBodies.optionalString(request, "role"));
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, e.getMessage());
        }
        Long ttl = JsonBodies.optionalLong(request, "ttlSeconds");
        long ttlSeconds = ttl == null ? runtime.config().tokenTtlSeconds() : ttl;
        if (ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "ttlSeconds must be within 1.." + MAX_TTL_SECONDS);
        }
        Principal principal = runtime.tokens().mint(identity, name == null ? identity : name, rooms, role,
                Duration.ofSeconds(ttlSeconds));
        String token = runtime.tokens().mint(principal);
        var roomsJson = JSON.createArrayBuilder();
        principal.rooms().forEach(roomsJson::add);
        String response = JSON.createObjectBuilder()
                .add("token", token)
                .add("identity", principal.identity())
                .add("name", principal.name())
                .add("rooms", roomsJson)
                .add("role", principal.role().wire())
                .add("expiresAt", principal.expiresAt().toEpochMilli())
                .build().toString();
        return Response.status(Response.Status.CREATED).entity(response).build();
    }
}

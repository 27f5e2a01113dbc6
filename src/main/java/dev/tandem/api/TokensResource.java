package dev.tandem.api;

import static dev.tandem.protocol.JsonSupport.JSON;

import dev.tandem.auth.Grants;
import dev.tandem.auth.NamePatterns;
import dev.tandem.auth.Principal;
import dev.tandem.auth.Role;
import dev.tandem.boot.TandemRuntime;
import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.ProtocolException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
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
        // Case and surrounding blanks ignored: "GUEST:bob" would read as a guest in any facepile.
        String prefix = LinkTokensResource.GUEST_PREFIX;
        if (identity.strip().regionMatches(true, 0, prefix, 0, prefix.length())) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "identities starting with "
                    + prefix + " belong to share-link guests");
        }
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
        Principal principal = new Principal(identity, name == null ? identity : name, rooms, role,
                runtime.tokens().now().plus(Duration.ofSeconds(ttlSeconds)),
                JsonBodies.optionalString(request, "avatar"), JsonBodies.optionalString(request, "color"),
                grants(request), null);
        return created(runtime.tokens().mint(principal), principal);
    }

    /** {@code publish}, {@code subscribe} (channel patterns) and {@code tools {provide, call}} (tool patterns). */
    private static Grants grants(JsonObject request) {
        try {
            NamePatterns provide = NamePatterns.ANY;
            NamePatterns call = NamePatterns.ANY;
            JsonValue tools = request.get("tools");
            if (tools instanceof JsonObject toolsObject) {
                provide = NamePatterns.of(patterns(toolsObject, "provide"), NamePatterns.NONE);
                call = NamePatterns.of(patterns(toolsObject, "call"), NamePatterns.NONE);
            } else if (tools != null && tools != JsonValue.NULL) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "tools must be {\"provide\": [...], \"call\": [...]}");
            }
            return new Grants(NamePatterns.of(patterns(request, "publish"), NamePatterns.ANY),
                    NamePatterns.of(patterns(request, "subscribe"), NamePatterns.ANY), provide, call);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, e.getMessage());
        }
    }

    /** A list of patterns; unlike other lists it may be empty (grants nothing). */
    private static List<String> patterns(JsonObject object, String field) {
        JsonValue value = object.get(field);
        if (value instanceof JsonArray array && array.isEmpty()) {
            return List.of();
        }
        return JsonBodies.optionalStrings(object, field);
    }

    static Response created(String token, Principal principal) {
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

package dev.tandem.api;

import static dev.tandem.protocol.JsonSupport.JSON;

import dev.tandem.auth.ApiKeyStore;
import dev.tandem.boot.TandemRuntime;
import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.ProtocolException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
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
 * API keys, for the admin key ({@code tandem.apiKey}) only: {@code GET /api/v1/keys} lists names and ids
 * (never a secret), {@code POST} {@code {"name"}} creates one and answers its secret once,
 * {@code DELETE /api/v1/keys/{id}} revokes it.
 */
@Path("v1/keys")
@RequestScoped
public class KeysResource {
    private static final int MAX_NAME_CHARS = 200;

    @Inject
    TandemRuntime runtime;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String list(@HeaderParam("Authorization") String authorization, @HeaderParam("X-Api-Key") String apiKey) {
        runtime.apiKeys().requireAdmin(authorization, apiKey);
        var keys = JSON.createArrayBuilder();
        runtime.apiKeys().store().list().forEach(key -> keys.add(json(key)));
        return JSON.createObjectBuilder().add("keys", keys).build().toString();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response create(@HeaderParam("Authorization") String authorization, @HeaderParam("X-Api-Key") String apiKey,
                           String body) {
        runtime.apiKeys().requireAdmin(authorization, apiKey);
        String name = JsonBodies.requiredString(JsonBodies.object(body), "name");
        if (name.length() > MAX_NAME_CHARS) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "name: at most " + MAX_NAME_CHARS + " characters");
        }
        ApiKeyStore.NewKey created = runtime.apiKeys().store().create(name);
        return Response.status(Response.Status.CREATED)
                .entity(json(created.key()).add("secret", created.secret()).build().toString()).build();
    }

    @DELETE
    @Path("{id}")
    public Response revoke(@PathParam("id") String id, @HeaderParam("Authorization") String authorization,
                           @HeaderParam("X-Api-Key") String apiKey) {
        runtime.apiKeys().requireAdmin(authorization, apiKey);
        if (!runtime.apiKeys().store().revoke(id)) {
            throw new ProtocolException(ErrorCode.NOT_FOUND, "no such API key");
        }
        return Response.noContent().build();
    }

    private static JsonObjectBuilder json(ApiKeyStore.StoredKey key) {
        return JSON.createObjectBuilder().add("id", key.id()).add("name", key.name())
                .add("createdAt", key.createdAt().toEpochMilli());
    }
}

package dev.tandem.api;

import static dev.tandem.protocol.JsonSupport.JSON;

import dev.tandem.boot.TandemRuntime;
import dev.tandem.docs.DocException;
import dev.tandem.docs.DocId;
import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.ProtocolException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Documents for integrations, with the API key: {@code GET /api/v1/rooms/{room}/docs/{name}} returns
 * the Automerge {@code save()} bytes, or the JSON view with {@code Accept: application/json};
 * {@code POST} applies encoded Automerge changes ({@code application/octet-stream}) or JSON ops
 * ({@code {"ops": [...]}}) and answers the new heads.
 */
@Path("v1/rooms/{room}/docs/{name: .+}")
@RequestScoped
public class DocumentsResource {
    private static final long TIMEOUT_SECONDS = 30;
    private static final int MAX_CHANGE_BYTES = 16 << 20;

    @Inject
    TandemRuntime runtime;

    @GET
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public byte[] save(@PathParam("room") String room, @PathParam("name") String name,
                       @HeaderParam("Authorization") String authorization, @HeaderParam("X-Api-Key") String apiKey) {
        runtime.apiKeys().require(authorization, apiKey);
        return await(runtime.documents().save(docId(room, name)));
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String view(@PathParam("room") String room, @PathParam("name") String name,
                       @QueryParam("view") @DefaultValue("true") String view,
                       @HeaderParam("Authorization") String authorization, @HeaderParam("X-Api-Key") String apiKey) {
        runtime.apiKeys().require(authorization, apiKey);
        if (!view.equals("true") && !view.equals("false")) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "view must be true or false");
        }
        boolean withView = view.equals("true");
        String id = docId(room, name);
        List<String> heads = await(runtime.documents().heads(id));
        var body = JSON.createObjectBuilder().add("doc", id).add("heads", JSON.createArrayBuilder(heads));
        if (withView) {
            body.add("view", await(runtime.documents().view(id)));
        }
        return body.build().toString();
    }

    @POST
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    @Produces(MediaType.APPLICATION_JSON)
    public String applyChanges(@PathParam("room") String room, @PathParam("name") String name,
                               @HeaderParam("Authorization") String authorization,
                               @HeaderParam("X-Api-Key") String apiKey, byte[] changes) {
        runtime.apiKeys().require(authorization, apiKey);
        if (changes == null || changes.length == 0) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "a body of encoded Automerge changes is required");
        }
        if (changes.length > MAX_CHANGE_BYTES) {
            throw new ProtocolException(ErrorCode.TOO_LARGE, "the body exceeds " + MAX_CHANGE_BYTES + " bytes");
        }
        String id = docId(room, name);
        return heads(id, await(runtime.documents().applyChanges(id, changes)));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response applyOps(@PathParam("room") String room, @PathParam("name") String name,
                             @HeaderParam("Authorization") String authorization,
                             @HeaderParam("X-Api-Key") String apiKey, String body) {
        runtime.apiKeys().require(authorization, apiKey);
        JsonObject request = JsonBodies.object(body);
        if (!(request.get("ops") instanceof JsonArray ops)) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "ops must be an array");
        }
        String id = docId(room, name);
        return Response.ok(heads(id, await(runtime.documents().applyOps(id, ops)))).build();
    }

    private static String heads(String id, List<String> heads) {
        return JSON.createObjectBuilder().add("doc", id).add("heads", JSON.createArrayBuilder(heads)).build().toString();
    }

    private static String docId(String room, String name) {
        try {
            return new DocId(room, name).toString();
        } catch (DocException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, e.getMessage());
        }
    }

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof DocException doc) {
                throw new ProtocolException(doc.code().equals("not_found") ? ErrorCode.NOT_FOUND
                        : doc.code().equals("too_large") ? ErrorCode.TOO_LARGE
                        : doc.code().equals("bad_request") ? ErrorCode.BAD_REQUEST : ErrorCode.INTERNAL, doc.getMessage());
            }
            throw new ProtocolException(ErrorCode.INTERNAL, "document operation failed");
        } catch (TimeoutException e) {
            throw new ProtocolException(ErrorCode.INTERNAL, "document operation timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProtocolException(ErrorCode.INTERNAL, "interrupted");
        }
    }
}

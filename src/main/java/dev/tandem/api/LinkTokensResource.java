package dev.tandem.api;

import dev.tandem.auth.Principal;
import dev.tandem.auth.ShareLinks;
import dev.tandem.boot.TandemRuntime;
import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.ProtocolException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;

/**
 * {@code POST /api/v1/links/{id}/tokens} {@code {"identity", "name"}}: whoever holds a share link's id
 * exchanges it for a join token to the link's room with the link's role. The holder is not authenticated,
 * so the identity is namespaced ({@code guest:<identity>}) and can never impersonate an app user.
 */
@Path("v1/links/{id}/tokens")
@RequestScoped
public class LinkTokensResource {
    static final String GUEST_PREFIX = "guest:";
    private static final int MAX_IDENTITY_CHARS = 64;

    @Inject
    TandemRuntime runtime;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response exchange(@PathParam("id") String id, String body) {
        ShareLinks.Link link = runtime.shareLinks().find(id)
                .orElseThrow(() -> new ProtocolException(ErrorCode.NOT_FOUND, "no such share link"));
        if (link.revoked()) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "this share link was revoked");
        }
        JsonObject request = JsonBodies.object(body);
        String identity = JsonBodies.requiredString(request, "identity");
        if (identity.length() > MAX_IDENTITY_CHARS || identity.chars().anyMatch(Character::isISOControl)) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "identity: at most " + MAX_IDENTITY_CHARS
                    + " characters, no control characters");
        }
        String name = JsonBodies.optionalString(request, "name");
        Principal principal = new Principal(GUEST_PREFIX + identity, name == null ? identity : name,
                List.of(link.room()), link.role(),
                runtime.tokens().now().plus(Duration.ofSeconds(runtime.config().tokenTtlSeconds())),
                null, null, null, link.id());
        return TokensResource.created(runtime.tokens().mint(principal), principal);
    }
}

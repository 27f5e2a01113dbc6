package dev.tandem.api;

import dev.tandem.protocol.ErrorCode;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * What the JAX-RS runtime refuses before a resource runs (no such path, wrong method, wrong content
 * type, unreadable body) is answered like every other REST error, {@code {"code", "message"}} with the
 * runtime's status, instead of the container's HTML error page.
 */
@Provider
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

    @Override
    public Response toResponse(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(JsonBodies.error(code(status), message(status)))
                .build();
    }

    static ErrorCode code(int status) {
        return switch (status) {
            case 401 -> ErrorCode.UNAUTHORIZED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.NOT_FOUND;
            case 413 -> ErrorCode.TOO_LARGE;
            case 429 -> ErrorCode.RATE_LIMITED;
            case 503 -> ErrorCode.SHUTDOWN;
            default -> status >= 500 ? ErrorCode.INTERNAL : ErrorCode.BAD_REQUEST;
        };
    }

    private static String message(int status) {
        return switch (status) {
            case 404 -> "no such resource: see docs/protocol.md, REST API";
            case 405 -> "method not allowed on this resource";
            case 406 -> "no acceptable representation: ask for application/json";
            case 415 -> "unsupported content type: see docs/protocol.md, REST API";
            default -> Response.Status.fromStatusCode(status) != null
                    ? Response.Status.fromStatusCode(status).getReasonPhrase() : "HTTP " + status;
        };
    }
}

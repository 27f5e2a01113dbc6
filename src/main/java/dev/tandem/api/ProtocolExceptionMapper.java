package dev.tandem.api;

import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.ProtocolException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** REST errors carry the same stable codes as {@code error} frames: {@code {"code": ..., "message": ...}}. */
@Provider
public class ProtocolExceptionMapper implements ExceptionMapper<ProtocolException> {

    @Override
    public Response toResponse(ProtocolException e) {
        return Response.status(status(e.code()))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(JsonBodies.error(e.code(), e.getMessage()))
                .build();
    }

    static int status(ErrorCode code) {
        return switch (code) {
            case BAD_REQUEST, UNKNOWN_TYPE -> 400;
            case UNAUTHORIZED, TOKEN_EXPIRED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND, SESSION_EXPIRED -> 404;
            case TOO_LARGE -> 413;
            case RATE_LIMITED, LIMIT_EXCEEDED -> 429;
            case SHUTDOWN -> 503;
            default -> 500;
        };
    }
}

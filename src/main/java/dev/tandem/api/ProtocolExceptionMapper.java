package dev.tandem.api;

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
        return Response.status(e.code().httpStatus())
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(JsonBodies.error(e.code(), e.getMessage()))
                .build();
    }
}

package dev.tandem.transport.sse;

import dev.tandem.boot.TandemRuntime;
import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.ProtocolException;
import dev.tandem.session.ConnectionHandler;
import jakarta.inject.Inject;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The SSE downstream, {@code GET /api/realtime/sse}: authenticates with the token ({@code ?token=} or
 * {@code Authorization: Bearer}), resumes with {@code Last-Event-ID} (or {@code ?resume=}, for clients
 * that cannot set headers), then streams the session's frames as events ({@link SseStream}). The
 * upstream, {@code POST /api/realtime/sse/{session}}, is JAX-RS ({@link SseUpstreamResource}).
 *
 * <p>A servlet rather than a JAX-RS {@code SseEventSink}: a sink sends each event through the JAX-RS
 * runtime's generic entity machinery (writer lookup, interceptors, request scope, chunked output),
 * which cost about half of Payara's CPU in the SSE fan-out (bench/PROFILING.md, "SSE without the JAX-RS
 * sink, session 17"). Here an event is one ready byte array on the servlet's non-blocking output, the
 * same on every container. The exact path wins over the JAX-RS application's {@code /api/*} mapping
 * (Servlet 6.0, 12.1).
 */
@WebServlet(name = "tandem-sse-stream", urlPatterns = "/api/realtime/sse", asyncSupported = true)
public class SseStreamServlet extends HttpServlet {
    private static final Logger LOG = Logger.getLogger(SseStreamServlet.class.getName());

    @Inject
    TandemRuntime runtime;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!"GET".equals(request.getMethod())) {
            response.setHeader("Allow", "GET");
            answer(response, 405, ErrorCode.BAD_REQUEST.httpBody(
                    "the event stream is GET; frames go up by POST to /api/realtime/sse/{session}"));
            return;
        }
        String token = request.getParameter("token");
        if (token == null) {
            token = bearer(request.getHeader("Authorization"));
        }
        String lastEventId = request.getHeader("Last-Event-ID");
        String resume = lastEventId != null && !lastEventId.isBlank() ? lastEventId : request.getParameter("resume");

        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        ServletOutputStream out = response.getOutputStream();
        ConnectionHandler[] handler = new ConnectionHandler[1];
        SseStream stream = new SseStream(async, out, () -> handler[0].onClosed());
        handler[0] = new ConnectionHandler(runtime.sessions(), stream);
        try {
            // The session's first frames (welcome, replays) wait in the stream until start().
            handler[0].openOrThrow(token, resume);
        } catch (ProtocolException refused) {
            // A refusal is an HTTP status, not an event: EventSource gives up on 4xx instead of retrying forever.
            refuse(async, response, refused.code().httpStatus(), refused.code().httpBody(refused.getMessage()));
            return;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "event stream could not open", e);
            refuse(async, response, 500, ErrorCode.INTERNAL.httpBody("the event stream could not open"));
            return;
        }
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache, no-transform");
        response.setHeader("X-Accel-Buffering", "no");
        unbuffer(response);
        try {
            // Commits the headers now, so that EventSource's open fires before the first event.
            response.flushBuffer();
        } catch (IOException gone) {
            stream.close(ErrorCode.INTERNAL, "the client went away");
            return;
        }
        SseSendBuffers.shrink(out);
        stream.start(GrizzlyEvents.of(out));
    }

    /**
     * Every event is written and flushed on its own, so the container's response buffer only costs a copy,
     * and on Undertow worse: a flush in non-blocking mode that the socket cannot take in full leaves the
     * rest in that buffer without waiting for the socket, so the end of an event would sit there until
     * the next write (up to a heartbeat later). With a buffer smaller than an event, Undertow hands each
     * event to the socket itself and waits for it properly. Catalina only ever raises its size; Payara's
     * Grizzly buffer is lowered by {@link SseSendBuffers}.
     */
    private static void unbuffer(HttpServletResponse response) {
        try {
            response.setBufferSize(SseSendBuffers.BUFFER_BYTES);
        } catch (IllegalStateException alreadyWritten) {
            LOG.log(Level.FINE, "response buffer size unchanged", alreadyWritten);
        }
    }

    private static void refuse(AsyncContext async, HttpServletResponse response, int status, String body) {
        try {
            answer(response, status, body);
        } catch (IOException | RuntimeException gone) {
            LOG.log(Level.FINE, "refusal not delivered", gone);
        } finally {
            async.complete();
        }
    }

    private static void answer(HttpServletResponse response, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private static String bearer(String authorization) {
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).trim();
        }
        return null;
    }
}

package dev.tandem.bench.floor;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The least a Servlet 6 application can do to hold a Server-Sent Events stream open: answer the GET
 * with {@code text/event-stream}, write one event, flush, and keep the asynchronous request open
 * without a timeout until the client goes. The idle scenario opens its SSE connections here after
 * Tandem's, on the same server process, to measure what the container itself keeps per idle stream.
 * The open streams are kept in a set, as any application that writes to them later would. The bench
 * requests it with a join token in the query string, as Tandem's streams are (the servlet ignores it).
 */
@WebServlet(urlPatterns = "/sse", asyncSupported = true)
public class SseFloorServlet extends HttpServlet {
    private static final byte[] HELLO = "id: 0\ndata: {\"type\":\"hello\"}\n\n".getBytes(StandardCharsets.UTF_8);
    private static final Set<AsyncContext> OPEN = ConcurrentHashMap.newKeySet();

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        OPEN.add(async);
        async.addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                OPEN.remove(async);
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                OPEN.remove(async);
            }

            @Override
            public void onError(AsyncEvent event) {
                OPEN.remove(async);
                async.complete();
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                // not restarted
            }
        });
        response.getOutputStream().write(HELLO);
        response.flushBuffer();
    }
}

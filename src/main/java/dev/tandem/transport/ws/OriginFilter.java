package dev.tandem.transport.ws;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Refuses a WebSocket handshake from an origin outside {@code tandem.allowedOrigins} with HTTP 403 and a
 * typed body, the same on every server. The containers do refuse it through {@link OriginCheck#checkOrigin},
 * but differently: Payara answers 403 with an HTML page, while WildFly does not upgrade and lets the request
 * fall through to the application, which answered 404.
 */
@WebFilter(urlPatterns = "/api/realtime", asyncSupported = true)
public class OriginFilter implements Filter {
    private final OriginCheck origins = new OriginCheck();

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && response instanceof HttpServletResponse out
                && !origins.checkOrigin(http.getHeader("Origin"))) {
            out.setStatus(HttpServletResponse.SC_FORBIDDEN);
            out.setContentType("application/json");
            out.setCharacterEncoding("UTF-8");
            out.getWriter().write("{\"code\":\"forbidden\",\"message\":\"this origin may not open a WebSocket "
                    + "(tandem.allowedOrigins)\"}");
            return;
        }
        chain.doFilter(request, response);
    }
}

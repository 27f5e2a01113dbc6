package dev.tandem.transport.ws;

import static dev.tandem.transport.container.ContainerFields.field;
import static dev.tandem.transport.container.ContainerFields.get;

import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Lets Undertow (WildFly) forget a WebSocket's upgrade request once the connection is open.
 *
 * <p>Undertow 2.3 keeps the HTTP connection object of every upgraded socket reachable (it stays the
 * socket's close listener), and that object keeps the upgrade listener, which holds the servlet
 * request/response facade of the handshake: the exchange, its request headers, query and path parameter
 * maps, the servlet and security contexts — 2.2 KB of heap per idle connection that nothing reads after
 * the handshake (bench/PROFILING.md, "Idle memory per connection, branch idle3"). The JSR-356 session
 * keeps its own copies of what it exposes (request URI, parameters, user properties). This drops the
 * connection's references to the upgrade listener and to a finished exchange; Undertow reads the
 * listener once, before the endpoint opens, and skips a null exchange on close. Reflection on container
 * fields: where they are missing (Payara/Tyrus, another Undertow) nothing changes, and the log says
 * {@code kept by the container}.
 */
final class UpgradeRelease {
    private static final Logger LOG = Logger.getLogger(UpgradeRelease.class.getName());
    private static final String CLOSE_SETTER = "io.undertow.server.AbstractServerConnection$CloseSetter";
    private static final String HTTP_CONNECTION = "io.undertow.server.protocol.http.HttpServerConnection";
    private static volatile boolean reported;

    private UpgradeRelease() {
    }

    /** Releases {@code session}'s upgrade exchange if it is an Undertow session; returns whether it did. */
    static boolean release(Object session) {
        boolean released = release(session, CLOSE_SETTER, HTTP_CONNECTION);
        if (!reported) {
            reported = true;
            LOG.info(() -> "WebSocket upgrade request (" + session.getClass().getName() + "): "
                    + (released ? "released after the handshake" : "kept by the container"));
        }
        return released;
    }

    /** As {@link #release(Object)}, with the two Undertow class names given (tests use look-alikes). */
    static boolean release(Object session, String closeSetterClass, String httpConnectionClass) {
        boolean released = false;
        try {
            Object httpConnection = httpConnection(session, closeSetterClass, httpConnectionClass);
            if (httpConnection != null) {
                Field current = field(httpConnection.getClass(), "current");
                Field upgradeListener = field(httpConnection.getClass(), "upgradeListener");
                Object exchange = current == null ? null : current.get(httpConnection);
                boolean finished = exchange == null
                        || Boolean.TRUE.equals(exchange.getClass().getMethod("isComplete").invoke(exchange));
                if (current != null && upgradeListener != null && finished) {
                    current.set(httpConnection, null);
                    released = upgradeListener.get(httpConnection) != null;
                    upgradeListener.set(httpConnection, null);
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "cannot release the upgrade request", e);
        }
        return released;
    }

    /**
     * UndertowSession.webSocketChannel → AbstractFramedChannel.channel → StreamConnection.closeListener (XNIO
     * merges several listeners into lambdas) → Undertow's {@code CloseSetter} → its HTTP connection.
     */
    private static Object httpConnection(Object session, String closeSetterClass, String httpConnectionClass)
            throws IllegalAccessException {
        Object webSocketChannel = get(session, "webSocketChannel");
        Object streamConnection = webSocketChannel == null ? null : get(webSocketChannel, "channel");
        Object closeListener = streamConnection == null ? null : get(streamConnection, "closeListener");
        if (closeListener instanceof AtomicReference<?> reference) {
            closeListener = reference.get();
        }
        return closeSetterConnection(closeListener, 4, closeSetterClass, httpConnectionClass);
    }

    private static Object closeSetterConnection(Object listener, int depth, String closeSetterClass,
            String httpConnectionClass) throws IllegalAccessException {
        if (listener == null || depth == 0) {
            return null;
        }
        Class<?> type = listener.getClass();
        if (type.getName().equals(closeSetterClass)) {
            Object connection = get(listener, "this$0");
            return connection != null && connection.getClass().getName().equals(httpConnectionClass) ? connection : null;
        }
        if (type.isSynthetic() || type.getName().contains("$$Lambda")) {
            for (Field captured : type.getDeclaredFields()) {
                if (!captured.getType().isPrimitive() && captured.trySetAccessible()) {
                    Object connection = closeSetterConnection(captured.get(listener), depth - 1,
                            closeSetterClass, httpConnectionClass);
                    if (connection != null) {
                        return connection;
                    }
                }
            }
        }
        return null;
    }
}

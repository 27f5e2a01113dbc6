package dev.tandem.transport.ws;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class UpgradeReleaseTest {
    private static final String CLOSE_SETTER = HttpConnection.CloseSetter.class.getName();
    private static final String HTTP_CONNECTION = HttpConnection.class.getName();

    /** Shaped like Undertow 2.3: HttpServerExchange. */
    static final class Exchange {
        private final boolean complete;

        Exchange(boolean complete) {
            this.complete = complete;
        }

        public boolean isComplete() {
            return complete;
        }
    }

    /** Shaped like HttpServerConnection, whose inner CloseSetter is the socket's close listener. */
    static final class HttpConnection {
        Exchange current;
        Object upgradeListener = new Object();

        final class CloseSetter {
        }
    }

    /** Shaped like XNIO's StreamConnection: the close listener, merged with others into lambdas. */
    static final class StreamConnection {
        final AtomicReference<Object> closeListener = new AtomicReference<>();
    }

    static final class FramedChannel {
        final StreamConnection channel = new StreamConnection();
    }

    static final class Session {
        final FramedChannel webSocketChannel = new FramedChannel();
    }

    private static Session sessionOf(HttpConnection connection, boolean merged) {
        Session session = new Session();
        Object setter = connection.new CloseSetter();
        Consumer<Object> other = c -> { };
        Consumer<Object> mergedListener = c -> {
            other.accept(c);
            setter.hashCode();
        };
        session.webSocketChannel.channel.closeListener.set(merged ? mergedListener : setter);
        return session;
    }

    @Test
    void dropsTheUpgradeListenerAndTheFinishedExchange() {
        HttpConnection connection = new HttpConnection();
        connection.current = new Exchange(true);
        assertTrue(UpgradeRelease.release(sessionOf(connection, false), CLOSE_SETTER, HTTP_CONNECTION));
        assertNull(connection.current);
        assertNull(connection.upgradeListener);
    }

    @Test
    void findsTheConnectionThroughMergedCloseListeners() {
        HttpConnection connection = new HttpConnection();
        assertTrue(UpgradeRelease.release(sessionOf(connection, true), CLOSE_SETTER, HTTP_CONNECTION));
        assertNull(connection.upgradeListener);
    }

    @Test
    void keepsAnExchangeThatIsNotComplete() {
        HttpConnection connection = new HttpConnection();
        Exchange running = new Exchange(false);
        connection.current = running;
        assertFalse(UpgradeRelease.release(sessionOf(connection, false), CLOSE_SETTER, HTTP_CONNECTION));
        assertSame(running, connection.current);
        assertNotNull(connection.upgradeListener);
    }

    @Test
    void leavesOtherContainersSessionsAlone() {
        assertFalse(UpgradeRelease.release(new Object()));
        assertFalse(UpgradeRelease.release(new Session()));
        HttpConnection connection = new HttpConnection();
        assertFalse(UpgradeRelease.release(sessionOf(connection, false), CLOSE_SETTER, "some.other.Connection"));
        assertNotNull(connection.upgradeListener);
    }
}

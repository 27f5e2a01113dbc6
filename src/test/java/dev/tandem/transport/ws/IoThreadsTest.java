package dev.tandem.transport.ws;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class IoThreadsTest {
    /** Shaped like XNIO's XnioIoThread: an executor for the thread. */
    static final class IoThread implements Executor {
        @Override
        public void execute(Runnable command) {
            command.run();
        }
    }

    /** Shaped like Undertow's WebSocket channel: getIoThread() is public. */
    public static final class Channel {
        final IoThread ioThread = new IoThread();

        public IoThread getIoThread() {
            return ioThread;
        }
    }

    /** Shaped like UndertowSession. */
    static final class Session {
        final Channel webSocketChannel;

        Session(Channel channel) {
            this.webSocketChannel = channel;
        }
    }

    @Test
    void findsTheUndertowConnectionsIoThread() {
        Channel channel = new Channel();
        assertSame(channel.ioThread, IoThreads.find(new Session(channel)));
    }

    @Test
    void answersNullForOtherContainersAndChannelsWithoutIoThread() {
        assertNull(IoThreads.find(new Object()), "Tyrus sessions have no webSocketChannel");
        assertNull(IoThreads.find(new Session(null)));
        assertNull(IoThreads.find(new Object() {
            final Object webSocketChannel = "no getIoThread here";
        }));
    }
}

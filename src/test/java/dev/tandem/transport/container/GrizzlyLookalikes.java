package dev.tandem.transport.container;

/**
 * Classes shaped like Payara's Grizzly and Catalina output buffers, for the tests of the WebSocket and SSE
 * buffer shrinking ({@code SendBuffersTest}, {@code SseSendBuffersTest}): only the fields the reflection
 * walk reads.
 */
public final class GrizzlyLookalikes {
    /** Stands in for {@link GrizzlyOutputBuffers#OUTPUT_BUFFER_CLASS}. */
    public static final String OUTPUT_BUFFER = GrizzlyOutputBuffer.class.getName();

    private GrizzlyLookalikes() {
    }

    /**
     * Grizzly's http.io.OutputBuffer: the size that decides whether a write is copied, the response's header
     * and the connection.
     */
    public static class GrizzlyOutputBuffer {
        private int bufferSize;
        private final Object outputHeader;
        private final Object connection;

        public GrizzlyOutputBuffer(int bufferSize) {
            this(bufferSize, null, null);
        }

        public GrizzlyOutputBuffer(int bufferSize, Object outputHeader, Object connection) {
            this.bufferSize = bufferSize;
            this.outputHeader = outputHeader;
            this.connection = connection;
        }

        public int bufferSize() {
            return bufferSize;
        }
    }

    /** Payara's actual class, Grizzly's http-server subclass. */
    public static final class ServerOutputBuffer extends GrizzlyOutputBuffer {
        public ServerOutputBuffer(int bufferSize) {
            super(bufferSize);
        }
    }

    /** Grizzly's HttpResponsePacket: whether the body goes in chunks (HTTP/1.1 without a length). */
    public record ResponseHeader(boolean chunked) {
        public boolean isChunked() {
            return chunked;
        }
    }

    /** Catalina's OutputBuffer. */
    public static final class CatalinaOutputBuffer {
        final GrizzlyOutputBuffer grizzlyOutputBuffer;

        public CatalinaOutputBuffer(GrizzlyOutputBuffer grizzly) {
            this.grizzlyOutputBuffer = grizzly;
        }
    }
}

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

    /** Grizzly's http.io.OutputBuffer: the size that decides whether a write is copied. */
    public static class GrizzlyOutputBuffer {
        private int bufferSize;

        public GrizzlyOutputBuffer(int bufferSize) {
            this.bufferSize = bufferSize;
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

    /** Catalina's OutputBuffer. */
    public static final class CatalinaOutputBuffer {
        final GrizzlyOutputBuffer grizzlyOutputBuffer;

        public CatalinaOutputBuffer(GrizzlyOutputBuffer grizzly) {
            this.grizzlyOutputBuffer = grizzly;
        }
    }
}

package dev.tandem.transport.sse;

import static dev.tandem.transport.container.GrizzlyLookalikes.OUTPUT_BUFFER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tandem.transport.container.GrizzlyLookalikes.CatalinaOutputBuffer;
import dev.tandem.transport.container.GrizzlyLookalikes.GrizzlyOutputBuffer;
import dev.tandem.transport.container.GrizzlyLookalikes.ServerOutputBuffer;
import java.io.OutputStream;
import org.junit.jupiter.api.Test;

class SseSendBuffersTest {
    /** Catalina's CoyoteOutputStream: what Payara's HttpServletResponse.getOutputStream() returns. */
    static final class CoyoteOutputStream extends OutputStream {
        final CatalinaOutputBuffer ob;

        CoyoteOutputStream(CatalinaOutputBuffer ob) {
            this.ob = ob;
        }

        @Override
        public void write(int b) {
            throw new UnsupportedOperationException();
        }
    }

    /** Undertow's ServletOutputStreamImpl: no Catalina buffer behind it. */
    static final class UndertowOutputStream extends OutputStream {
        final Object servletRequestContext = new Object();

        @Override
        public void write(int b) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void lowersTheStreamsGrizzlyBufferToTheEventSize() {
        GrizzlyOutputBuffer grizzly = new ServerOutputBuffer(8192);
        assertNull(SseSendBuffers.shrink(new CoyoteOutputStream(new CatalinaOutputBuffer(grizzly)), OUTPUT_BUFFER));
        assertEquals(SseSendBuffers.BUFFER_BYTES, grizzly.bufferSize());
        assertEquals(64, grizzly.bufferSize(), "room for a heartbeat comment, not an event");
    }

    @Test
    void neverRaisesASmallerBufferSize() {
        GrizzlyOutputBuffer grizzly = new GrizzlyOutputBuffer(32);
        assertNull(SseSendBuffers.shrink(new CoyoteOutputStream(new CatalinaOutputBuffer(grizzly)), OUTPUT_BUFFER));
        assertEquals(32, grizzly.bufferSize());
    }

    @Test
    void leavesOtherContainersAndOtherBuffersAlone() {
        assertEquals("no ob in " + UndertowOutputStream.class.getName(),
                SseSendBuffers.shrink(new UndertowOutputStream(), OUTPUT_BUFFER));
        GrizzlyOutputBuffer grizzly = new GrizzlyOutputBuffer(8192);
        assertEquals("not Grizzly's buffer: " + OUTPUT_BUFFER,
                SseSendBuffers.shrink(new CoyoteOutputStream(new CatalinaOutputBuffer(grizzly)), "org.example.OtherBuffer"));
        assertEquals(8192, grizzly.bufferSize());
        assertEquals("no grizzlyOutputBuffer in " + CatalinaOutputBuffer.class.getName(),
                SseSendBuffers.shrink(new CoyoteOutputStream(new CatalinaOutputBuffer(null)), OUTPUT_BUFFER));
    }
}

package dev.tandem.transport.ws;

import static dev.tandem.transport.container.GrizzlyLookalikes.OUTPUT_BUFFER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tandem.transport.container.GrizzlyLookalikes.CatalinaOutputBuffer;
import dev.tandem.transport.container.GrizzlyLookalikes.GrizzlyOutputBuffer;
import dev.tandem.transport.container.GrizzlyLookalikes.ServerOutputBuffer;
import org.junit.jupiter.api.Test;

class SendBuffersTest {
    /** Catalina's CoyoteOutputStream, whose field is inherited, as in Payara. */
    static class CoyoteStreamBase {
        protected CatalinaOutputBuffer ob;
    }

    static final class CoyoteOutputStream extends CoyoteStreamBase {
    }

    static final class WebConnection {
        final Object outputStream;

        WebConnection(Object outputStream) {
            this.outputStream = outputStream;
        }
    }

    /** Shaped like TyrusServletUpgrade's proxy: a handler subclass whose own {@code wc} stays null. */
    static class UpgradeHandler {
        Object wc;
    }

    static final class UpgradeHandlerProxy extends UpgradeHandler {
        final UpgradeHandler handler;

        UpgradeHandlerProxy(UpgradeHandler handler) {
            this.handler = handler;
        }
    }

    private static Object payaraShapedSession(GrizzlyOutputBuffer grizzly) {
        CoyoteOutputStream stream = new CoyoteOutputStream();
        stream.ob = new CatalinaOutputBuffer(grizzly);
        return TyrusLookalikes.chain(new WebConnection(stream),
                "asyncRemote", "webSocket", "protocolHandler", "writer", "tyrusHttpUpgradeHandler", "wc");
    }

    @Test
    void lowersGrizzlysBufferSizeSoLargerFramesAreNotCopiedIntoAFreshBuffer() {
        GrizzlyOutputBuffer grizzly = new ServerOutputBuffer(8192);
        assertNull(SendBuffers.shrink(payaraShapedSession(grizzly), OUTPUT_BUFFER));
        assertEquals(SendBuffers.BUFFER_BYTES, grizzly.bufferSize());
    }

    @Test
    void findsTheRealUpgradeHandlerBehindTyrussProxy() {
        GrizzlyOutputBuffer grizzly = new GrizzlyOutputBuffer(8192);
        CoyoteOutputStream stream = new CoyoteOutputStream();
        stream.ob = new CatalinaOutputBuffer(grizzly);
        UpgradeHandler real = new UpgradeHandler();
        real.wc = new WebConnection(stream);
        Object session = TyrusLookalikes.chain(new UpgradeHandlerProxy(real), TyrusLookalikes.TO_UPGRADE_HANDLER);
        assertNull(SendBuffers.shrink(session, OUTPUT_BUFFER));
        assertEquals(SendBuffers.BUFFER_BYTES, grizzly.bufferSize());
    }

    @Test
    void neverRaisesASmallerBufferSize() {
        GrizzlyOutputBuffer grizzly = new GrizzlyOutputBuffer(16);
        assertNull(SendBuffers.shrink(payaraShapedSession(grizzly), OUTPUT_BUFFER));
        assertEquals(16, grizzly.bufferSize());
    }

    @Test
    void leavesOtherContainersAndBrokenPathsAlone() {
        assertEquals("no asyncRemote in java.lang.Object", SendBuffers.shrink(new Object(), OUTPUT_BUFFER),
                "an Undertow-like session has no such path");
        GrizzlyOutputBuffer grizzly = new GrizzlyOutputBuffer(8192);
        assertEquals("not Grizzly's buffer: " + OUTPUT_BUFFER,
                SendBuffers.shrink(payaraShapedSession(grizzly), "org.example.OtherBuffer"));
        assertEquals(8192, grizzly.bufferSize());
        CoyoteOutputStream unconnected = new CoyoteOutputStream();
        Object session = TyrusLookalikes.chain(new WebConnection(unconnected),
                "asyncRemote", "webSocket", "protocolHandler", "writer", "tyrusHttpUpgradeHandler", "wc");
        assertEquals("no ob in " + CoyoteOutputStream.class.getName(), SendBuffers.shrink(session, OUTPUT_BUFFER),
                "a null step stops the walk");
    }
}

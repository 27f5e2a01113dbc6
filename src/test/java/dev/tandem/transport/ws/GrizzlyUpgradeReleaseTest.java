package dev.tandem.transport.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link GrizzlyUpgradeRelease} on classes shaped like Payara's: only the fields and methods it uses. */
class GrizzlyUpgradeReleaseTest {

    /** Grizzly's CharChunk: a buffer and a window into it; {@code recycle()} resets the window only. */
    static final class CharChunk {
        private char[] buff = new char[1024];
        private int end = 7;

        public void recycle() {
            end = 0;
        }
    }

    static final class Parameters {
        final CharChunk tmpNameC = new CharChunk();
        final CharChunk tmpValueC = new CharChunk();
    }

    /** Grizzly's MimeHeaders: fields created on demand, kept for reuse by {@code clear()}. */
    static final class MimeHeaders {
        private Object[] headers = {new Object(), new Object(), new Object(), null};
        private int count = 3;

        public void clear() {
            count = 0;
        }
    }

    static class HttpHeader {
        protected final MimeHeaders headers = new MimeHeaders();
    }

    static final class ResponsePacket extends HttpHeader {
    }

    static final class RequestPacket extends HttpHeader {
        private final ResponsePacket response = new ResponsePacket();
    }

    static final class GrizzlyRequest {
        protected RequestPacket request = new RequestPacket();
        protected final Parameters parameters = new Parameters();
    }

    static final class CatalinaRequest {
        protected GrizzlyRequest coyoteRequest = new GrizzlyRequest();
    }

    static final class WebConnection {
        private CatalinaRequest request = new CatalinaRequest();
    }

    /** Tyrus's TyrusHttpUpgradeHandler: the handshake's UpgradeInfo, then the connection made from it. */
    static class UpgradeHandler {
        WebConnection wc = new WebConnection();
        Object upgradeInfo = new Object();
        Object connection = new Object();
    }

    /** Tyrus's proxy in front of the real handler. */
    static final class UpgradeHandlerProxy extends UpgradeHandler {
        final UpgradeHandler handler;

        UpgradeHandlerProxy(UpgradeHandler handler) {
            this.handler = handler;
        }
    }

    private static Object sessionWith(Object upgradeHandler) {
        return TyrusLookalikes.chain(upgradeHandler, TyrusLookalikes.TO_UPGRADE_HANDLER);
    }

    @Test
    void dropsTheHandshakeCopyTheQueryScratchBuffersAndTheHeaderFields() {
        UpgradeHandler handler = new UpgradeHandler();
        GrizzlyRequest request = handler.wc.request.coyoteRequest;

        assertEquals(List.of(), GrizzlyUpgradeRelease.releaseAll(sessionWith(handler)));

        assertNull(handler.upgradeInfo, "Tyrus's copy of the handshake request");
        assertNotNull(handler.connection, "the connection stays");
        for (CharChunk chunk : List.of(request.parameters.tmpNameC, request.parameters.tmpValueC)) {
            assertNull(chunk.buff, "scratch buffer dropped; CharChunk allocates again on demand");
            assertEquals(0, chunk.end, "and its window recycled");
        }
        for (MimeHeaders headers : List.of(request.request.headers, request.request.response.headers)) {
            assertEquals(0, headers.count, "no header fields left");
            assertArrayEquals(new Object[4], headers.headers, "no field objects kept; the array keeps its length");
        }
    }

    @Test
    void findsTheRealHandlerBehindTyrussProxy() {
        UpgradeHandler real = new UpgradeHandler();
        UpgradeHandlerProxy proxy = new UpgradeHandlerProxy(real);
        proxy.wc = null;
        assertEquals(List.of(), GrizzlyUpgradeRelease.releaseAll(sessionWith(proxy)));
        assertNull(real.upgradeInfo);
        assertNull(real.wc.request.coyoteRequest.parameters.tmpNameC.buff);
        assertNotNull(proxy.upgradeInfo, "the proxy's own (unused) fields are not the real handler's");
    }

    @Test
    void keepsTheHandshakeCopyUntilTheConnectionExists() {
        UpgradeHandler handler = new UpgradeHandler();
        Object upgradeInfo = handler.upgradeInfo;
        handler.connection = null;
        List<String> kept = GrizzlyUpgradeRelease.releaseAll(sessionWith(handler));
        assertEquals(List.of("no connection yet in " + UpgradeHandler.class.getName()), kept);
        assertSame(upgradeInfo, handler.upgradeInfo);
        assertNull(handler.wc.request.coyoteRequest.parameters.tmpNameC.buff, "the other parts still go");
    }

    @Test
    void leavesOtherContainersAndMissingStepsAlone() {
        assertEquals(List.of("no asyncRemote in java.lang.Object"), GrizzlyUpgradeRelease.releaseAll(new Object()),
                "an Undertow-like session has no such path");
        UpgradeHandler handler = new UpgradeHandler();
        handler.wc.request.coyoteRequest = null;
        assertEquals(List.of("no coyoteRequest in " + CatalinaRequest.class.getName()),
                GrizzlyUpgradeRelease.releaseAll(sessionWith(handler)));
        assertNull(handler.upgradeInfo, "what was found is still released");

        UpgradeHandler noPackets = new UpgradeHandler();
        GrizzlyRequest request = noPackets.wc.request.coyoteRequest;
        request.request = null;
        assertEquals(List.of("no request and response packets in " + GrizzlyRequest.class.getName()),
                GrizzlyUpgradeRelease.releaseAll(sessionWith(noPackets)));
        assertNull(request.parameters.tmpValueC.buff);
        assertFalse(GrizzlyUpgradeRelease.release(new Object()));
        assertFalse(GrizzlyUpgradeRelease.release(new Object()), "a session class without the path is skipped");
        assertTrue(GrizzlyUpgradeRelease.release(sessionWith(new UpgradeHandler())), "others are still walked");
    }
}

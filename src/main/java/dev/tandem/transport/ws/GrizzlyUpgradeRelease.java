package dev.tandem.transport.ws;

import static dev.tandem.transport.container.ContainerFields.field;
import static dev.tandem.transport.container.ContainerFields.get;

import dev.tandem.transport.container.ContainerFields;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Lets Payara (Grizzly, Catalina, Tyrus) drop what a WebSocket's handshake needed once the connection
 * carries frames; {@link UpgradeRelease} does the same for WildFly.
 *
 * <p>On Payara an upgraded socket keeps its servlet upgrade request for life: Grizzly's HTTP filter goes
 * on passing the socket's bytes through the request's input buffer, so the request, its response and
 * their fixed parts must stay. Three things in them are dead weight after the handshake (JFR old-object
 * samples with paths to GC roots, bench/PROFILING.md, "Idle memory on Payara, session 11"):
 * <ul>
 * <li>the two 1,024-character scratch buffers Grizzly's {@code Parameters} allocates with every request
 *     (4.1 KB), used only to decode a query string; {@code CharChunk} allocates again when a recycled
 *     request needs them;</li>
 * <li>the parsed request and response header fields, each a {@code MimeHeaderField} with two
 *     {@code DataChunk}s of three chunks each: the 101 response is sent and Tyrus copied the request
 *     headers at the handshake. The fields are cleared and dropped; {@code MimeHeaders} creates a field
 *     again when a recycled request needs one;</li>
 * <li>Tyrus's {@code UpgradeInfo} with its copy of the handshake request (headers, URI, parameters), read
 *     only while the upgrade handler's {@code init} creates the connection.</li>
 * </ul>
 * It runs on a connection's first frame, on the container thread reading it: the handshake's request
 * processing has finished by then, and a committed response's content never reads its headers. Reflection
 * on container fields: where a step is missing (WildFly, another Payara) nothing changes and the log names
 * the step.
 */
final class GrizzlyUpgradeRelease {
    /** TyrusSession → ... → the servlet upgrade handler; Tyrus may put a proxy holding it in {@code handler}. */
    private static final List<String> TO_UPGRADE_HANDLER = List.of("asyncRemote", "webSocket", "protocolHandler",
            "writer", "tyrusHttpUpgradeHandler", "handler?");
    /** Upgrade handler → WebConnection → Catalina request → Grizzly request. */
    private static final List<String> TO_GRIZZLY_REQUEST = List.of("wc", "request", "coyoteRequest");
    private static final Logger LOG = Logger.getLogger(GrizzlyUpgradeRelease.class.getName());
    private static volatile boolean reported;
    /** A session class without Tyrus's path (Undertow's): not walked again for every connection. */
    private static volatile Class<?> elsewhere;

    private GrizzlyUpgradeRelease() {
    }

    /** Releases what {@code session}'s container keeps of its handshake; returns whether all three went. */
    static boolean release(Object session) {
        if (session.getClass() == elsewhere) {
            return false;
        }
        List<String> kept = releaseAll(session);
        if (!kept.isEmpty() && kept.get(0).startsWith("no " + TO_UPGRADE_HANDLER.get(0) + " in ")) {
            elsewhere = session.getClass();
        }
        if (!reported) {
            reported = true;
            LOG.info(() -> "WebSocket handshake state (" + session.getClass().getName() + "): "
                    + (kept.isEmpty() ? "released after the first frame" : "kept by the container (" + kept + ")"));
        }
        return kept.isEmpty();
    }

    /** What could not be released, one entry per part; empty when everything was. */
    static List<String> releaseAll(Object session) {
        List<String> kept = new ArrayList<>();
        try {
            ContainerFields.Reached handler = ContainerFields.follow(session, TO_UPGRADE_HANDLER);
            if (handler.target() == null) {
                kept.add(handler.missing());
                return kept;
            }
            keep(kept, dropUpgradeInfo(handler.target()));
            ContainerFields.Reached request = ContainerFields.follow(handler.target(), TO_GRIZZLY_REQUEST);
            if (request.target() == null) {
                kept.add(request.missing());
                return kept;
            }
            keep(kept, dropScratchBuffers(request.target()));
            keep(kept, dropHeaders(request.target()));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "cannot release the handshake state", e);
            kept.add(e.toString());
        }
        return kept;
    }

    private static void keep(List<String> kept, String missing) {
        if (missing != null) {
            kept.add(missing);
        }
    }

    /** Tyrus's handshake copy, once the handler has its connection. */
    private static String dropUpgradeInfo(Object upgradeHandler) throws IllegalAccessException {
        Field upgradeInfo = field(upgradeHandler.getClass(), "upgradeInfo");
        if (upgradeInfo == null) {
            return "no upgradeInfo in " + upgradeHandler.getClass().getName();
        }
        if (get(upgradeHandler, "connection") == null) {
            return "no connection yet in " + upgradeHandler.getClass().getName();
        }
        upgradeInfo.set(upgradeHandler, null);
        return null;
    }

    /** The query decoder's two scratch buffers in the Grizzly request's {@code Parameters}. */
    private static String dropScratchBuffers(Object grizzlyRequest) throws ReflectiveOperationException {
        Object parameters = get(grizzlyRequest, "parameters");
        if (parameters == null) {
            return "no parameters in " + grizzlyRequest.getClass().getName();
        }
        for (String name : List.of("tmpNameC", "tmpValueC")) {
            Object chunk = get(parameters, name);
            Field buffer = chunk == null ? null : field(chunk.getClass(), "buff");
            if (buffer == null || buffer.getType() != char[].class) {
                return "no char buffer " + name + " in " + parameters.getClass().getName();
            }
            chunk.getClass().getMethod("recycle").invoke(chunk);
            buffer.set(chunk, null);
        }
        return null;
    }

    /** The request packet's and its response packet's header fields. */
    private static String dropHeaders(Object grizzlyRequest) throws ReflectiveOperationException {
        Object requestPacket = get(grizzlyRequest, "request");
        Object responsePacket = requestPacket == null ? null : get(requestPacket, "response");
        if (responsePacket == null) {
            return "no request and response packets in " + grizzlyRequest.getClass().getName();
        }
        String missing = dropFields(requestPacket);
        return missing != null ? missing : dropFields(responsePacket);
    }

    private static String dropFields(Object packet) throws ReflectiveOperationException {
        Object headers = get(packet, "headers");
        Field fields = headers == null ? null : field(headers.getClass(), "headers");
        if (fields == null || !fields.getType().isArray()) {
            return "no header fields in " + packet.getClass().getName();
        }
        headers.getClass().getMethod("clear").invoke(headers);
        Object[] array = (Object[]) fields.get(headers);
        Arrays.fill(array, null);
        return null;
    }
}

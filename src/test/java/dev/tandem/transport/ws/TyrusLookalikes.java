package dev.tandem.transport.ws;

/**
 * The chain of fields from a Tyrus session to its servlet upgrade handler and on to the WebConnection, as
 * look-alike objects, for the tests of the Payara workarounds that walk it ({@code SendBuffersTest},
 * {@code GrizzlyUpgradeReleaseTest}).
 */
final class TyrusLookalikes {
    private TyrusLookalikes() {
    }

    /** One step of TyrusSession → asyncRemote → webSocket → protocolHandler → writer → tyrusHttpUpgradeHandler → wc. */
    static final class Link {
        final Object asyncRemote;
        final Object webSocket;
        final Object protocolHandler;
        final Object writer;
        final Object tyrusHttpUpgradeHandler;
        final Object wc;

        Link(String name, Object next) {
            this.asyncRemote = name.equals("asyncRemote") ? next : null;
            this.webSocket = name.equals("webSocket") ? next : null;
            this.protocolHandler = name.equals("protocolHandler") ? next : null;
            this.writer = name.equals("writer") ? next : null;
            this.tyrusHttpUpgradeHandler = name.equals("tyrusHttpUpgradeHandler") ? next : null;
            this.wc = name.equals("wc") ? next : null;
        }
    }

    /** A session-like object from which {@code steps} (first to last) lead to {@code end}. */
    static Object chain(Object end, String... steps) {
        Object next = end;
        for (int i = steps.length - 1; i >= 0; i--) {
            next = new Link(steps[i], next);
        }
        return next;
    }

    /** The steps from a Tyrus session to its upgrade handler. */
    static final String[] TO_UPGRADE_HANDLER = {"asyncRemote", "webSocket", "protocolHandler", "writer", "tyrusHttpUpgradeHandler"};
}

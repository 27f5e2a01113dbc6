package dev.tandem.transport.ws;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OriginCheckTest {
    @AfterEach
    void clear() {
        System.clearProperty("tandem.allowedOrigins");
    }

    private static OriginCheck allowing(String origins) {
        System.setProperty("tandem.allowedOrigins", origins);
        return new OriginCheck();
    }

    @Test
    void withAllowedOriginsOnlyThoseAndClientsWithoutAnOriginGetIn() {
        OriginCheck check = allowing("http://app.example.com, https://b.example:8443/");
        assertTrue(check.checkOrigin("http://app.example.com"));
        assertTrue(check.checkOrigin("HTTP://App.Example.com/"), "scheme and host are case-insensitive, a slash ends it");
        assertTrue(check.checkOrigin("https://b.example:8443"));
        assertTrue(check.checkOrigin(null), "servers and CLIs send no Origin");
        assertFalse(check.checkOrigin("https://evil.example"));
        assertFalse(check.checkOrigin("https://app.example.com"), "another scheme is another origin");
        assertFalse(check.checkOrigin("https://b.example"), "another port is another origin");
    }

    @Test
    void aWildcardOrNoListLetsTheContainerAcceptEveryOrigin() {
        assertTrue(allowing("*").checkOrigin("https://anything.example"));
        clear();
        assertTrue(new OriginCheck().checkOrigin("https://anything.example"), "unset: same-origin is checked later");
    }

    @Test
    void sameOriginComparesHostAndPortWithDefaultPortsFilledIn() {
        assertTrue(OriginCheck.sameOrigin("http://127.0.0.1:8080", "127.0.0.1:8080"));
        assertTrue(OriginCheck.sameOrigin("https://app.example.com", "app.example.com:443"));
        assertTrue(OriginCheck.sameOrigin("http://app.example.com", "APP.example.com"));
        assertFalse(OriginCheck.sameOrigin("http://127.0.0.1:8081", "127.0.0.1:8080"));
        assertFalse(OriginCheck.sameOrigin("https://evil.example", "127.0.0.1:8080"));
        assertFalse(OriginCheck.sameOrigin("http://app.example.com", null));
        assertFalse(OriginCheck.sameOrigin("not a uri ::", "app.example.com"));
    }
}

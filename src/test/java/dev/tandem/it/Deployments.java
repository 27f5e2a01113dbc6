package dev.tandem.it;

import java.io.File;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * Integration tests deploy exactly the WAR that {@code mvn package} built. Failsafe passes its path
 * as the system property {@code tandem.war} (${project.build.directory}/tandem.war). Usage:
 * <pre>
 * &#64;Deployment(testable = false)
 * static WebArchive deploy() { return Deployments.war(); }
 * </pre>
 * The archive is named {@code tandem.war}, so the servers deploy it at context root {@code /tandem};
 * tests must build URLs from the injected {@code @ArquillianResource URL} (through
 * {@link #baseUri(URL)}), never a fixed path.
 */
public final class Deployments {

    public static final String WAR_PROPERTY = "tandem.war";

    private Deployments() {
    }

    public static WebArchive war() {
        String path = System.getProperty(WAR_PROPERTY);
        if (path == null || path.isBlank()) {
            throw new IllegalStateException("System property '" + WAR_PROPERTY
                    + "' is not set: run integration tests through Maven (mvn verify -Ppayara | -Pwildfly)");
        }
        File war = new File(path);
        if (!war.isFile()) {
            throw new IllegalStateException("WAR not found: " + war.getAbsolutePath()
                    + " (the package phase must run before the integration tests)");
        }
        return ShrinkWrap.create(ZipImporter.class, "tandem.war").importFrom(war).as(WebArchive.class);
    }

    /**
     * The deployment's base URI, with the host replaced by 127.0.0.1 when it is one of this machine's
     * own non-loopback addresses. Payara Micro announces its URL with the host's interface address
     * (InetAddress.getLocalHost()) although it listens on all interfaces; tests keep their traffic on
     * the loopback interface. WildFly already announces 127.0.0.1.
     */
    public static URI baseUri(URL base) {
        try {
            URI uri = base.toURI();
            InetAddress addr = InetAddress.getByName(uri.getHost());
            if (!addr.isLoopbackAddress() && NetworkInterface.getByInetAddress(addr) != null) {
                uri = new URI(uri.getScheme(), uri.getUserInfo(), "127.0.0.1", uri.getPort(), uri.getPath(),
                        uri.getQuery(), uri.getFragment());
            }
            return uri;
        } catch (URISyntaxException | java.io.IOException e) {
            throw new IllegalStateException("bad deployment URL " + base, e);
        }
    }
}

package dev.tandem.it;

import java.net.URI;
import java.net.URL;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** An integration test against the packaged WAR: its base URI, the REST API, and a fresh room per test. */
@ExtendWith(ArquillianExtension.class)
abstract class DeployedTest {

    @Deployment(testable = false)
    static WebArchive deploy() {
        return Deployments.war();
    }

    @ArquillianResource
    URL deployment;

    URI base;
    Rest rest;
    String room;

    @BeforeEach
    void connectToDeployment() {
        base = Deployments.baseUri(deployment);
        rest = new Rest(base);
        room = roomPrefix() + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Rooms of different test classes are told apart in logs by their first letter. */
    String roomPrefix() {
        return "r";
    }
}

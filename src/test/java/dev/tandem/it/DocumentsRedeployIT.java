package dev.tandem.it;

import static dev.tandem.it.DocTestSupport.reply;
import static dev.tandem.it.DocTestSupport.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * Documents keep working after an undeploy + redeploy in the same server JVM. automerge-java loads a
 * JNI library, and a native library binds to one class loader per JVM: Arquillian deploys the WAR
 * anew for each test class into the same server, so running this class together with
 * {@link DocumentsIT} (either order; {@code -Dit.test='Documents*IT'}, and every full run) makes the
 * second deployment's class loader load Automerge while the first one has already used it.
 */
class DocumentsRedeployIT extends DeployedTest {
    @Test
    void documentsWorkInThisDeployment() throws Exception {
        DocTestSupport support = new DocTestSupport(base);
        try (WsClient ws = WsClient.connect(base, support.token("r", room, "collaborator"))) {
            ws.frames.awaitType("welcome");
            ws.send(Json.createObjectBuilder().add("type", "doc.subscribe").add("id", "s").add("doc", room + "/thread/1")
                    .add("mode", "json").build().toString());
            ws.frames.awaitType("doc.snapshot");
            assertEquals("ack", reply(ws, "s").getString("type"));

            JsonArray ops = Json.createArrayBuilder().add(Json.createObjectBuilder().add("op", "insert")
                    .add("path", Json.createArrayBuilder().add("messages").add("-"))
                    .add("value", Json.createObjectBuilder().add("id", "m1").add("text", Json.createObjectBuilder().add("$text", "hi"))))
                    .build();
            Rest.Reply applied = support.postOps(room, "thread/1", ops);
            assertEquals(200, applied.status(), applied.toString());
            JsonObject patch = ws.frames.awaitType("doc.patch");
            assertEquals(strings(applied.body().getJsonArray("heads")), strings(patch.getJsonArray("heads")));
        }
        JsonObject view = support.view(room, "thread/1");
        assertEquals("hi", view.getJsonObject("view").getJsonArray("messages").getJsonObject(0).getString("text"));
        HttpResponse<byte[]> save = support.save(room, "thread/1", null);
        assertEquals(200, save.statusCode());
        assertEquals(0x85, save.body()[0] & 0xff);
    }
}

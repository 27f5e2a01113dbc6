package dev.tandem.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The server API as a back-office system uses it, with the integration tests' API key. */
public final class Rest {
    public static final String API_KEY = "it-api-key";
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI base;

    public Rest(URI base) {
        this.base = base;
    }

    public record Reply(int status, JsonObject body) {
    }

    public String token(String identity, String... rooms) throws Exception {
        var roomList = Json.createArrayBuilder();
        for (String room : rooms) {
            roomList.add(room);
        }
        Reply reply = post("api/v1/tokens", Json.createObjectBuilder().add("identity", identity)
                .add("name", identity.toUpperCase()).add("rooms", roomList).build().toString());
        if (reply.status() != 201) {
            throw new IllegalStateException("token: " + reply);
        }
        return reply.body().getString("token");
    }

    public long publish(String room, String channel, JsonObject data) throws Exception {
        Reply reply = post("api/v1/rooms/" + room + "/channels/" + channel + "/events",
                Json.createObjectBuilder().add("data", data).build().toString());
        if (reply.status() != 201) {
            throw new IllegalStateException("publish: " + reply);
        }
        return reply.body().getJsonNumber("seq").longValue();
    }

    public Reply post(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + API_KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public Reply get(String path) throws Exception {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + API_KEY).GET().build());
    }

    public Reply send(HttpRequest request) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        String text = response.body();
        JsonObject body = text == null || text.isBlank() || !text.trim().startsWith("{") ? null : ReceivedFrames.parse(text);
        return new Reply(response.statusCode(), body);
    }

    public static JsonObject text(String value) {
        return Json.createObjectBuilder().add("text", value).build();
    }
}

package dev.tandem.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FrameCodecTest {
    private static final FrameCodec codec = new FrameCodec(1024);

    @AfterAll
    static void close() throws Exception {
        codec.close();
    }

    @Test
    void decodesPublishWithArbitraryJsonData() {
        var frame = codec.decode("{\"type\":\"publish\",\"id\":\"7\",\"topic\":\"r1/chat\","
                + "\"data\":{\"text\":\"hi\",\"n\":[1,2]},\"to\":[\"bob\"]}");
        var publish = assertInstanceOf(Frames.Publish.class, frame);
        assertEquals("7", publish.id());
        assertEquals("r1/chat", publish.topic());
        assertEquals(Json.createObjectBuilder().add("text", "hi")
                .add("n", Json.createArrayBuilder().add(1).add(2)).build(), publish.data());
        assertEquals(List.of("bob"), publish.to());
    }

    @Test
    void decodesDocumentFrames() {
        var ops = assertInstanceOf(DocFrames.Ops.class, codec.decode(
                "{\"type\":\"doc.ops\",\"id\":\"o\",\"doc\":\"r1/canvas\",\"ops\":[{\"op\":\"put\",\"path\":[\"a\"],\"value\":1}]}"));
        assertEquals("r1/canvas", ops.doc());
        assertEquals(1, ops.ops().size());
        var sync = assertInstanceOf(DocFrames.Sync.class, codec.decode("{\"type\":\"doc.sync\",\"doc\":\"r1/canvas\",\"data\":\"QgA=\"}"));
        assertNull(sync.id());
        assertEquals("QgA=", sync.data());
        var sub = assertInstanceOf(DocFrames.Subscribe.class, codec.decode(
                "{\"type\":\"doc.subscribe\",\"id\":\"s\",\"doc\":\"r1/canvas\",\"mode\":\"json\"}"));
        assertTrue(sub.jsonMode());
        assertEquals("bad_request", assertThrows(ProtocolException.class,
                () -> codec.decode("{\"type\":\"doc.ops\",\"id\":\"o\",\"doc\":\"r1/canvas\",\"ops\":3}")).code().wire());
        assertEquals("bad_request", assertThrows(ProtocolException.class,
                () -> codec.decode("{\"type\":\"doc.ops\",\"id\":\"o\",\"doc\":\"r1/canvas\"}")).code().wire());
        assertEquals("bad_request", assertThrows(ProtocolException.class,
                () -> codec.decode("{\"type\":\"doc.subscribe\",\"id\":\"s\",\"doc\":\"r1/canvas\",\"mode\":\"x\"}")).code().wire());
    }

    @Test
    void decodesSubscribeWithSince() {
        var frame = (Frames.Subscribe) codec.decode(
                "{\"type\":\"subscribe\",\"id\":\"1\",\"topic\":\"r1/chat\",\"since\":{\"epoch\":\"e1\",\"seq\":41}}");
        assertEquals(new Frames.Position("e1", 41L), frame.since());
    }

    @Test
    void encodesRepliesWithTypeFirstAndWithoutNulls() {
        String text = codec.encode(new Frames.Event("r1/chat", "e1", 3L,
                Json.createValue("x"), "alice", 10L, null));
        assertTrue(text.startsWith("{\"type\":\"event\""), text);
        assertEquals("{\"type\":\"event\",\"data\":\"x\",\"epoch\":\"e1\",\"from\":\"alice\",\"seq\":3,"
                + "\"topic\":\"r1/chat\",\"ts\":10}", text);
        assertEquals("{\"type\":\"ack\",\"id\":\"9\"}", codec.encode(Frames.Ack.of("9")));
        assertEquals("{\"type\":\"ping\",\"ts\":5}", codec.encode(new Frames.Ping(null, 5L)));
    }

    @Test
    void encodesOutgoingDocSyncExactlyAsJsonBWould() {
        String data = java.util.Base64.getEncoder().encodeToString(new byte[] {0x42, 1, (byte) 0xff, 0x7f, 0, 3, 9});
        DocFrames.Sync sync = new DocFrames.Sync(null, "r1/thread/42", data);
        String fast = codec.encode(sync);
        assertEquals("{\"type\":\"doc.sync\",\"data\":\"" + data + "\",\"doc\":\"r1/thread/42\"}", fast);
        assertEquals(codec.encodeWithJsonb(sync), fast, "the direct path writes what JSON-B writes");
        // Anything that would need escaping (or a request id) goes through JSON-B.
        assertEquals("{\"type\":\"doc.sync\",\"data\":\"a\\\"b\",\"doc\":\"r1/canvas\"}",
                codec.encode(new DocFrames.Sync(null, "r1/canvas", "a\"b")));
        assertEquals("{\"type\":\"doc.sync\",\"data\":\"AA==\",\"doc\":\"r1/canvas\",\"id\":\"7\"}",
                codec.encode(new DocFrames.Sync("7", "r1/canvas", "AA==")));
    }

    private static jakarta.json.JsonValue json(String text) {
        try (var reader = Json.createReader(new java.io.StringReader(text))) {
            return reader.readValue();
        }
    }

    @Test
    void encodesOutgoingDocPatchExactlyAsJsonBWould() {
        jakarta.json.JsonArray patches = json("[{\"op\":\"put\",\"path\":[\"shapes\",\"s\u00e9\\\"1\"],"
                + "\"value\":{\"name\":\"tab\\there \\u0001 \\ud83d\\ude00\",\"w\":1.50,\"n\":12345678901234567890123,\"ok\":true,\"x\":null}},"
                + "{\"op\":\"splice\",\"path\":[\"title\"],\"index\":0,\"delete\":0,\"text\":\"</script>\"},"
                + "{\"op\":\"insert\",\"path\":[\"points\",3],\"values\":[1,-2.5e-7,[],{}]}]").asJsonArray();
        for (List<String> heads : List.of(List.<String>of(), List.of("ab12"), List.of("ab12", "cd34"))) {
            DocFrames.Patch patch = new DocFrames.Patch("r1/canvas", heads, patches);
            String fast = codec.encode(patch);
            assertEquals(codec.encodeWithJsonb(patch), fast, "the direct path writes what JSON-B writes");
            assertEquals(patches, json(fast).asJsonObject().getJsonArray("patches"));
        }
        // A document id that would need escaping goes through JSON-B.
        DocFrames.Patch odd = new DocFrames.Patch("r1/\"x", List.of("ab"), patches);
        assertEquals(codec.encodeWithJsonb(odd), codec.encode(odd));
    }

    @Test
    void countsUtf8BytesExactly() {
        assertEquals(0, FrameCodec.utf8Length(""));
        assertEquals(5, FrameCodec.utf8Length("hello"));
        assertEquals(2 + 3 + 4 + 1, FrameCodec.utf8Length("\u00e9\u20ac\ud83d\ude00a"));
        String big = "x".repeat(5000) + "\u00e9".repeat(1000);
        assertEquals(7000, FrameCodec.utf8Length(big));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "not json at all                                      | bad_request  |",
            "[1,2]                                                | bad_request  |",
            "{\"id\":\"4\"}                                        | bad_request  | 4",
            "{\"type\":\"teleport\",\"id\":\"5\"}                   | unknown_type | 5",
            "{\"type\":7,\"id\":\"6\"}                              | bad_request  | 6",
            "{\"type\":\"publish\",\"id\":\"8\",\"topic\":\"r1/chat\"} | bad_request | 8",
            "{\"type\":\"publish\",\"id\":\"9\",\"topic\":5,\"data\":1} | bad_request | 9",
            "{\"type\":\"publish\",\"id\":\"a\",\"topic\":\"r1/chat\",\"data\":1,\"to\":[1]} | bad_request | a",
            "{\"type\":\"subscribe\",\"id\":\"b\",\"topic\":\"../r2/chat\"} | bad_request | b",
            "{\"type\":\"subscribe\",\"id\":\"c\",\"topic\":\"r1/*\"}      | bad_request | c",
            "{\"type\":\"subscribe\",\"id\":\"d\",\"topic\":\"r\u0456/chat\"} | bad_request | d",
            "{\"type\":\"subscribe\",\"id\":\"e\",\"topic\":\"r1/chat\",\"since\":{\"seq\":\"x\"}} | bad_request | e",
            "{\"type\":\"subscribe\",\"id\":\"f\",\"topic\":\"r1/chat\",\"since\":{\"epoch\":\"e1\",\"seq\":2.5}} | bad_request | f",
            "{\"type\":\"subscribe\",\"id\":\"g\",\"topic\":\"r1/chat\",\"since\":{\"epoch\":\"e1\",\"seq\":1e40}} | bad_request | g",
            "{\"type\":\"subscribe\",\"topic\":\"r1/chat\"}             | bad_request |",
            "{\"type\":\"subscribe\",\"id\":5,\"topic\":\"r1/chat\"}      | bad_request |",
    })
    void rejectsBadFramesWithTypedCodes(String text, String code, String id) {
        var error = assertThrows(ProtocolException.class, () -> codec.decode(text));
        assertEquals(code, error.code().wire(), error.getMessage());
        assertEquals(id, error.requestId());
    }

    @Test
    void jsonNestedTooDeeplyIsABadRequestInAFrameAndInAPostedBody() {
        FrameCodec codec = new FrameCodec(65536);
        String deep = "[".repeat(1000) + "]".repeat(1000);
        String frame = "{\"type\":\"publish\",\"id\":\"p\",\"topic\":\"r1/chat\",\"data\":" + deep + "}";
        var inFrame = assertThrows(ProtocolException.class, () -> codec.decode(frame));
        assertEquals(ErrorCode.BAD_REQUEST, inFrame.code(), inFrame.getMessage());
        var inBody = assertThrows(ProtocolException.class, () -> codec.parseBody("[" + frame + "]"));
        assertEquals(ErrorCode.BAD_REQUEST, inBody.code(), inBody.getMessage());
        String accepted = "[".repeat(990) + "]".repeat(990);
        assertInstanceOf(Frames.Publish.class, codec.decode(frame.replace(deep, accepted)), "990 deep is fine");
    }

    @Test
    void aMistypedFieldOfADocumentRequestIsAnErrorThatNamesItsDoc() {
        var error = assertThrows(ProtocolException.class,
                () -> codec.decode("{\"type\":\"doc.ops\",\"id\":\"na\",\"doc\":\"r1/d1\",\"ops\":5}"));
        assertEquals(new Frames.Error("na", "bad_request", "ops must be array", "r1/d1"), error.toFrame());
        var missing = assertThrows(ProtocolException.class,
                () -> codec.decode("{\"type\":\"doc.ops\",\"id\":\"m\",\"doc\":\"r1/d1\"}"));
        assertEquals("r1/d1", missing.toFrame().doc(), "as for a missing field");
    }

    @Test
    void rejectsOversizedFramesAndKeepsTheirLeadingId() {
        String big = "{\"id\":\"big\",\"type\":\"publish\",\"topic\":\"r1/chat\",\"data\":\"" + "x".repeat(2000) + "\"}";
        var error = assertThrows(ProtocolException.class, () -> codec.decode(big));
        assertEquals(ErrorCode.TOO_LARGE, error.code());
        assertEquals("big", error.requestId());
    }

    /** doc.sync and doc.ops may be up to maxDocumentFrameBytes; every other frame stays within maxFrameBytes. */
    @Test
    void documentDataFramesMayBeLargerThanOtherFrames() {
        FrameCodec two = new FrameCodec(1024, 8192);
        String data = "A".repeat(4000);
        var sync = assertInstanceOf(DocFrames.Sync.class,
                two.decode("{\"type\":\"doc.sync\",\"doc\":\"r1/canvas\",\"data\":\"" + data + "\"}"));
        assertEquals(data, sync.data());
        // The type need not come first: the frame is parsed, then checked.
        assertInstanceOf(DocFrames.Sync.class, two.decode("{\"doc\":\"r1/canvas\",\"data\":\"" + data + "\",\"type\":\"doc.sync\"}"));
        var ops = assertInstanceOf(DocFrames.Ops.class, two.decode("{\"type\":\"doc.ops\",\"id\":\"o\",\"doc\":\"r1/canvas\",\"ops\":"
                + "[{\"op\":\"put\",\"path\":[\"ui\",\"x\"],\"value\":\"" + data + "\"}]}"));
        assertEquals("o", ops.id());

        // Any other frame over maxFrameBytes: too_large with its id, whether its type comes first or last.
        String publish = "{\"type\":\"publish\",\"id\":\"p\",\"topic\":\"r1/chat\",\"data\":\"" + data + "\"}";
        var refused = assertThrows(ProtocolException.class, () -> two.decode(publish));
        assertEquals(ErrorCode.TOO_LARGE, refused.code());
        assertEquals("p", refused.requestId());
        String typeLast = "{\"id\":\"q\",\"topic\":\"r1/chat\",\"data\":{\"type\":\"doc.sync\",\"x\":\"" + data + "\"},\"type\":\"publish\"}";
        var refusedLate = assertThrows(ProtocolException.class, () -> two.decode(typeLast));
        assertEquals(ErrorCode.TOO_LARGE, refusedLate.code());
        assertEquals("q", refusedLate.requestId());

        // A document frame over maxDocumentFrameBytes: too_large, naming its doc (a doc.sync has no id).
        var tooBig = assertThrows(ProtocolException.class,
                () -> two.decode("{\"type\":\"doc.sync\",\"doc\":\"r1/canvas\",\"data\":\"" + "A".repeat(9000) + "\"}"));
        assertEquals(ErrorCode.TOO_LARGE, tooBig.code());
        assertEquals(new Frames.Error(null, "too_large", "frame exceeds 8192 bytes", "r1/canvas"), tooBig.toFrame());
    }

    /** Before authentication, and in a read-only session's SSE body, every frame stays within maxFrameBytes. */
    @Test
    void withoutAuthenticationOrWriteAccessDocumentFramesGetNoLargerBound() {
        FrameCodec two = new FrameCodec(1024, 8192);
        String sync = "{\"type\":\"doc.sync\",\"doc\":\"r1/canvas\",\"data\":\"" + "A".repeat(4000) + "\"}";
        assertEquals(ErrorCode.TOO_LARGE, assertThrows(ProtocolException.class, () -> two.decodeBeforeAuthentication(sync)).code());
        assertInstanceOf(Frames.Hello.class, two.decodeBeforeAuthentication("{\"type\":\"hello\",\"id\":\"h\",\"token\":\"t\"}"));
        assertEquals(ErrorCode.TOO_LARGE, assertThrows(ProtocolException.class, () -> two.parseBody(sync, false)).code());
        assertInstanceOf(jakarta.json.JsonObject.class, two.parseBody(sync, true));
    }

    /** An SSE body may hold document data up to maxDocumentFrameBytes; other frames in it stay within maxFrameBytes. */
    @Test
    void aPostedBodyMayCarryLargeDocumentDataButNoOtherLargeFrame() {
        FrameCodec two = new FrameCodec(1024, 8192);
        String sync = "{\"type\":\"doc.sync\",\"doc\":\"r1/canvas\",\"data\":\"" + "A".repeat(4000) + "\"}";
        String ping = "{\"type\":\"ping\",\"id\":\"1\"}";
        assertEquals(3, ((jakarta.json.JsonArray) two.parseBody("[" + ping + "," + sync + "," + ping + "]")).size());
        assertInstanceOf(jakarta.json.JsonObject.class, two.parseBody(sync));
        String publish = "{\"type\":\"publish\",\"id\":\"p\",\"topic\":\"r1/chat\",\"data\":\"" + "x".repeat(2000) + "\"}";
        assertEquals(ErrorCode.TOO_LARGE, assertThrows(ProtocolException.class,
                () -> two.parseBody("[" + sync + "," + publish + "]")).code());
        assertEquals(ErrorCode.TOO_LARGE, assertThrows(ProtocolException.class,
                () -> two.parseBody("[" + sync + "," + sync + "," + sync + "]")).code(), "over 8192 bytes in all");
    }

    @Test
    void countsMultiByteCharactersAgainstTheLimit() {
        String text = "{\"type\":\"ping\",\"id\":\"" + "\u00e9".repeat(600) + "\"}";
        var error = assertThrows(ProtocolException.class, () -> codec.decode(text));
        assertEquals(ErrorCode.TOO_LARGE, error.code());
        assertNull(error.requestId());
    }

    /** Found by fuzzing: Parsson throws a bare NumberFormatException for an exponent beyond an int. */
    @Test
    void aNumberWithAnUnreadableExponentIsMalformedJsonInAFrameAndInABody() {
        String frame = "{\"type\":\"ping\",\"ts\":1e30888888888888888888}";
        assertEquals(ErrorCode.BAD_REQUEST, assertThrows(ProtocolException.class, () -> codec.decode(frame)).code());
        assertEquals(ErrorCode.BAD_REQUEST, assertThrows(ProtocolException.class,
                () -> codec.parseBody("[" + frame + "]")).code());
    }

    /** The SSE upstream body is a frame or an array of frames: any other JSON value is a malformed body (HTTP 400). */
    @Test
    void aPostedBodyThatIsNeitherAFrameNorAnArrayOfFramesIsBadRequest() {
        for (String body : new String[] {"5", "\"ping\"", "null", "true"}) {
            var error = assertThrows(ProtocolException.class, () -> codec.parseBody(body), body);
            assertEquals(ErrorCode.BAD_REQUEST, error.code(), body);
        }
        assertEquals(2, ((jakarta.json.JsonArray) codec.parseBody("[{\"type\":\"ping\"},5]")).size());
        assertEquals("ping", ((jakarta.json.JsonObject) codec.parseBody("{\"type\":\"ping\"}")).getString("type"));
    }
}

package dev.tandem.protocol;

import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.JsonbException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns text into validated request frames and reply frames into text. Decoding is strict: each
 * failure is a {@link ProtocolException} with a stable code and the request id when one was readable.
 * Thread-safe.
 */
public final class FrameCodec implements AutoCloseable {
    /**
     * How each request is built from its (already type-checked) JSON object. Built by hand rather than
     * bound by JSON-B: Payara's Yasson fails on some record components (a JsonArray), and explicit
     * construction leaves nothing to reflection.
     */
    private static final Map<String, Function<JsonObject, Frame.Request>> REQUESTS = Map.ofEntries(
            Map.entry("hello", o -> new Frames.Hello(string(o, "id"), string(o, "token"))),
            Map.entry("subscribe", o -> new Frames.Subscribe(string(o, "id"), string(o, "topic"), position(o))),
            Map.entry("unsubscribe", o -> new Frames.Unsubscribe(string(o, "id"), string(o, "topic"))),
            Map.entry("publish", o -> new Frames.Publish(string(o, "id"), string(o, "topic"), o.get("data"),
                    strings(o, "to"))),
            Map.entry("ping", o -> new Frames.Ping(string(o, "id"), number(o, "ts"))),
            Map.entry("pong", o -> new Frames.Pong(string(o, "id"), number(o, "ts"))),
            Map.entry("doc.subscribe", o -> new DocFrames.Subscribe(string(o, "id"), string(o, "doc"),
                    string(o, "mode"))),
            Map.entry("doc.unsubscribe", o -> new DocFrames.Unsubscribe(string(o, "id"), string(o, "doc"))),
            Map.entry("doc.sync", o -> new DocFrames.Sync(string(o, "id"), string(o, "doc"), string(o, "data"))),
            Map.entry("doc.ops", o -> new DocFrames.Ops(string(o, "id"), string(o, "doc"),
                    o.get("ops") instanceof JsonArray ops ? ops : null)),
            Map.entry("refresh", o -> new AuthFrames.Refresh(string(o, "id"), string(o, "token"))));


    /** JSON types of the typed fields of each request; JSON-B alone would coerce numbers into strings. */
    private static final Map<String, Map<String, JsonValue.ValueType>> FIELD_TYPES = Map.of(
            "hello", Map.of("token", JsonValue.ValueType.STRING),
            "subscribe", Map.of("topic", JsonValue.ValueType.STRING, "since", JsonValue.ValueType.OBJECT),
            "unsubscribe", Map.of("topic", JsonValue.ValueType.STRING),
            "publish", Map.of("topic", JsonValue.ValueType.STRING, "to", JsonValue.ValueType.ARRAY),
            "ping", Map.of("ts", JsonValue.ValueType.NUMBER),
            "pong", Map.of("ts", JsonValue.ValueType.NUMBER),
            "doc.subscribe", Map.of("doc", JsonValue.ValueType.STRING, "mode", JsonValue.ValueType.STRING),
            "doc.unsubscribe", Map.of("doc", JsonValue.ValueType.STRING),
            "doc.sync", Map.of("doc", JsonValue.ValueType.STRING, "data", JsonValue.ValueType.STRING),
            "doc.ops", Map.of("doc", JsonValue.ValueType.STRING, "ops", JsonValue.ValueType.ARRAY));

    private static final Map<String, Map<String, JsonValue.ValueType>> AUTH_FIELD_TYPES = Map.of(
            "refresh", Map.of("token", JsonValue.ValueType.STRING));

    /** Frame types that carry document data and may be up to {@link #maxDocumentFrameBytes}. */
    private static final Set<String> DOCUMENT_DATA_TYPES = Set.of("doc.sync", "doc.ops");

    private final Jsonb jsonb;
    private final int maxFrameBytes;
    private final int maxDocumentFrameBytes;

    /** Every frame up to {@code maxFrameBytes}; document data frames too. */
    public FrameCodec(int maxFrameBytes) {
        this(maxFrameBytes, maxFrameBytes);
    }

    /**
     * Frames up to {@code maxFrameBytes}, except {@code doc.sync} and {@code doc.ops}, which may be up to
     * {@code maxDocumentFrameBytes}: an Automerge sync message carries every change the peer lacks at once
     * (a client back from a long offline session, a pasted image) and cannot be split.
     */
    public FrameCodec(int maxFrameBytes, int maxDocumentFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
        this.maxDocumentFrameBytes = Math.max(maxFrameBytes, maxDocumentFrameBytes);
        this.jsonb = JsonbBuilder.create(new JsonbConfig().withNullValues(false));
    }

    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    public int maxDocumentFrameBytes() {
        return maxDocumentFrameBytes;
    }

    /** Decodes a frame of a connection not yet authenticated: every frame within {@code maxFrameBytes}. */
    public Frame.Request decodeBeforeAuthentication(String text) {
        if (utf8Length(text) > maxFrameBytes) {
            throw new ProtocolException(ErrorCode.TOO_LARGE, "frame exceeds " + maxFrameBytes + " bytes", CheapFields.id(text));
        }
        return bind(parseObject(text));
    }

    /** Decodes one client frame. */
    public Frame.Request decode(String text) {
        int bytes = utf8Length(text);
        if (bytes > maxDocumentFrameBytes) {
            throw new ProtocolException(ErrorCode.TOO_LARGE, "frame exceeds " + maxDocumentFrameBytes + " bytes",
                    CheapFields.id(text)).withDoc(CheapFields.doc(text));
        }
        if (bytes > maxFrameBytes) {
            String type = CheapFields.leadingType(text);
            if (type != null && !DOCUMENT_DATA_TYPES.contains(type)) {
                // Refused without parsing megabytes first.
                throw new ProtocolException(ErrorCode.TOO_LARGE, tooLargeFor(), CheapFields.id(text));
            }
        }
        JsonObject object = parseObject(text);
        if (bytes > maxFrameBytes) {
            requireDocumentData(object);
        }
        return bind(object);
    }

    private String tooLargeFor() {
        return "frame exceeds " + maxFrameBytes + " bytes (only doc.sync and doc.ops may be up to "
                + maxDocumentFrameBytes + ")";
    }

    /** A frame over {@code maxFrameBytes} must be document data; anything else is refused with its id. */
    private void requireDocumentData(JsonObject object) {
        if (object.get("type") instanceof JsonString type && DOCUMENT_DATA_TYPES.contains(type.getString())) {
            return;
        }
        String id = object.get("id") instanceof JsonString s ? s.getString() : null;
        throw new ProtocolException(ErrorCode.TOO_LARGE, tooLargeFor(), id);
    }

    /** Decodes an already parsed frame (the elements of an SSE upstream array). */
    public Frame.Request decode(JsonValue value) {
        if (!(value instanceof JsonObject object)) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "a frame must be a JSON object");
        }
        return bind(object);
    }

    /**
     * Parses a POSTed body that is one frame or an array of frames. A body over {@code maxFrameBytes}
     * (up to {@code maxDocumentFrameBytes}) is accepted only when every frame in it that is not document
     * data is within {@code maxFrameBytes}; otherwise the whole body is refused and nothing in it is handled.
     */
    public JsonValue parseBody(String text) {
        return parseBody(text, true);
    }

    /** As {@link #parseBody(String)}; {@code documentData} false (a read-only session) bounds the body by {@code maxFrameBytes}. */
    public JsonValue parseBody(String text, boolean documentData) {
        int bytes = utf8Length(text);
        int bound = documentData ? maxDocumentFrameBytes : maxFrameBytes;
        if (bytes > bound) {
            throw new ProtocolException(ErrorCode.TOO_LARGE, "body exceeds " + bound + " bytes");
        }
        JsonValue body = readJson(text);
        if (!(body instanceof JsonObject) && !(body instanceof JsonArray)) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "the body must be a frame (JSON object) or an array of frames");
        }
        if (bytes > maxFrameBytes) {
            for (JsonValue frame : body instanceof JsonArray array ? array : List.of(body)) {
                if (frame instanceof JsonObject object && !(object.get("type") instanceof JsonString type
                        && DOCUMENT_DATA_TYPES.contains(type.getString()))
                        && utf8Length(object.toString()) > maxFrameBytes) {
                    throw new ProtocolException(ErrorCode.TOO_LARGE, "a " + tooLargeFor());
                }
            }
        }
        return body;
    }

    public String encode(Frame frame) {
        if (frame instanceof DocFrames.Sync sync && sync.id() == null && isPlainAscii(sync.doc())
                && isBase64(sync.data())) {
            // The bulk of document traffic: written directly, byte for byte what JSON-B writes
            // (lexicographic property order, no escaping needed), without escaping a long string char by char.
            return "{\"type\":\"doc.sync\",\"data\":\"" + sync.data() + "\",\"doc\":\"" + sync.doc() + "\"}";
        }
        if (frame instanceof DocFrames.Patch patch && patch.patches() != null && patch.heads() != null
                && isPlainAscii(patch.doc()) && patch.heads().stream().allMatch(FrameCodec::isPlainAscii)) {
            return encodePatch(patch);
        }
        return encodeWithJsonb(frame);
    }

    /**
     * A json-mode subscriber's {@code doc.patch}, byte for byte what JSON-B writes, without JSON-B: its
     * serializer hashes the frame record (and so the whole patch tree) to detect cycles before writing it.
     */
    private static String encodePatch(DocFrames.Patch patch) {
        StringBuilder out = new StringBuilder(256).append("{\"type\":\"doc.patch\",\"doc\":\"").append(patch.doc())
                .append("\",\"heads\":[");
        for (int i = 0; i < patch.heads().size(); i++) {
            out.append(i == 0 ? "\"" : ",\"").append(patch.heads().get(i)).append('"');
        }
        return out.append("],\"patches\":").append(patch.patches()).append('}').toString();
    }

    /** The general path (tests compare the direct doc.sync path against it). */
    String encodeWithJsonb(Frame frame) {
        return jsonb.toJson(frame);
    }

    private static boolean isPlainAscii(String s) {
        if (s == null) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private static boolean isBase64(String s) {
        if (s == null) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/'
                    || c == '=')) {
                return false;
            }
        }
        return true;
    }

    /** Writes any JSON-B bindable value (REST bodies). */
    public String toJson(Object value) {
        return jsonb.toJson(value);
    }

    private Frame.Request bind(JsonObject object) {
        String id = object.get("id") instanceof JsonString s ? s.getString() : null;
        JsonValue idValue = object.get("id");
        if (idValue != null && idValue.getValueType() != JsonValue.ValueType.STRING
                && idValue.getValueType() != JsonValue.ValueType.NULL) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "id must be a string");
        }
        JsonValue typeValue = object.get("type");
        if (!(typeValue instanceof JsonString typeString)) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "type is required and must be a string", id);
        }
        Function<JsonObject, Frame.Request> factory = REQUESTS.get(typeString.getString());
        if (factory == null) {
            throw new ProtocolException(ErrorCode.UNKNOWN_TYPE,
                    "unknown frame type: " + truncate(typeString.getString()), id);
        }
        try {
            checkFieldTypes(typeString.getString(), object, id);
        } catch (ProtocolException e) {
            // A document request's error names its doc, as the errors found after binding do.
            throw object.get("doc") instanceof JsonString doc && typeString.getString().startsWith("doc.")
                    ? e.withDoc(doc.getString()) : e;
        }
        Frame.Request request = factory.apply(object);
        try {
            request.validate();
        } catch (ProtocolException e) {
            throw e.about(request);
        }
        return request;
    }

    private static void checkFieldTypes(String type, JsonObject object, String id) {
        FIELD_TYPES.getOrDefault(type, AUTH_FIELD_TYPES.get(type)).forEach((field, expected) -> {
            JsonValue value = object.get(field);
            if (value != null && value.getValueType() != JsonValue.ValueType.NULL
                    && value.getValueType() != expected) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST,
                        field + " must be " + expected.name().toLowerCase(), id);
            }
        });
        if (object.get("since") instanceof JsonObject since) {
            if (!(since.get("epoch") instanceof JsonString) || !(since.get("seq") instanceof JsonNumber seq)
                    || !isLong(seq)) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST,
                        "since must be {\"epoch\": string, \"seq\": integer}", id);
            }
        }
        if (object.get("to") instanceof jakarta.json.JsonArray to
                && to.stream().anyMatch(v -> v.getValueType() != JsonValue.ValueType.STRING)) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "to must be a list of strings", id);
        }
    }

    private static boolean isLong(JsonNumber number) {
        try {
            number.longValueExact();
            return true;
        } catch (ArithmeticException e) {
            return false;
        }
    }

    private static String string(JsonObject object, String field) {
        return object.get(field) instanceof JsonString value ? value.getString() : null;
    }

    private static Long number(JsonObject object, String field) {
        return object.get(field) instanceof JsonNumber value ? value.longValue() : null;
    }

    private static List<String> strings(JsonObject object, String field) {
        return object.get(field) instanceof JsonArray array
                ? array.getValuesAs(JsonString.class).stream().map(JsonString::getString).toList() : null;
    }

    private static Frames.Position position(JsonObject object) {
        return object.get("since") instanceof JsonObject since
                ? new Frames.Position(string(since, "epoch"), number(since, "seq")) : null;
    }

    private static JsonObject parseObject(String text) {
        JsonValue value = readJson(text);
        if (!(value instanceof JsonObject object)) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "a frame must be a JSON object");
        }
        return object;
    }

    /**
     * Parses any JSON value. Parsson reports some bad input outside {@link JsonException}: a number whose
     * exponent does not fit an int (found by fuzzing: {@code 1e30888...}) as a bare
     * {@link NumberFormatException}, and nesting 1,000 deep as a bare {@link RuntimeException}; any failure
     * to read the input is the client's.
     */
    private static JsonValue readJson(String text) {
        try (var reader = JsonSupport.JSON.createReader(new StringReader(text))) {
            return reader.readValue();
        } catch (RuntimeException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "malformed JSON: " + brief(e));
        }
    }

    public static int utf8Length(String text) {
        // String.getBytes is an intrinsic (vectorised for Latin-1 strings): far cheaper than counting
        // char by char, even with the copy.
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String brief(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return truncate(message.replaceAll("\\s+", " "));
    }

    private static String truncate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    @Override
    public void close() throws Exception {
        jsonb.close();
    }
}

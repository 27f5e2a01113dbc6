package dev.tandem.protocol;

import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.JsonbException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Turns text into validated request frames and reply frames into text. Decoding is strict: each
 * failure is a {@link ProtocolException} with a stable code and the request id when one was readable.
 * Thread-safe.
 */
public final class FrameCodec implements AutoCloseable {
    private static final Map<String, Class<? extends Frame.Request>> REQUESTS = Map.ofEntries(
            Map.entry("hello", Frames.Hello.class),
            Map.entry("subscribe", Frames.Subscribe.class),
            Map.entry("unsubscribe", Frames.Unsubscribe.class),
            Map.entry("publish", Frames.Publish.class),
            Map.entry("ping", Frames.Ping.class),
            Map.entry("pong", Frames.Pong.class),
            Map.entry("doc.subscribe", DocFrames.Subscribe.class),
            Map.entry("doc.unsubscribe", DocFrames.Unsubscribe.class),
            Map.entry("doc.sync", DocFrames.Sync.class),
            Map.entry("doc.ops", DocFrames.Ops.class));

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

    private final Jsonb jsonb;
    private final int maxFrameBytes;

    public FrameCodec(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
        this.jsonb = JsonbBuilder.create(new JsonbConfig().withNullValues(false));
    }

    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** Decodes one client frame. */
    public Frame.Request decode(String text) {
        if (utf8Length(text) > maxFrameBytes) {
            throw new ProtocolException(ErrorCode.TOO_LARGE,
                    "frame exceeds " + maxFrameBytes + " bytes", idIfCheap(text));
        }
        JsonObject object = parseObject(text);
        return bind(object, text);
    }

    /** Decodes an already parsed frame (the elements of an SSE upstream array). */
    public Frame.Request decode(JsonValue value) {
        if (!(value instanceof JsonObject object)) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "a frame must be a JSON object");
        }
        return bind(object, object.toString());
    }

    /** Parses a POSTed body that is one frame or an array of frames. */
    public JsonValue parseBody(String text) {
        if (utf8Length(text) > maxFrameBytes) {
            throw new ProtocolException(ErrorCode.TOO_LARGE, "body exceeds " + maxFrameBytes + " bytes");
        }
        try (var reader = JsonSupport.JSON.createReader(new StringReader(text))) {
            return reader.readValue();
        } catch (JsonException | IllegalStateException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "malformed JSON: " + brief(e));
        }
    }

    public String encode(Frame frame) {
        return jsonb.toJson(frame);
    }

    /** Writes any JSON-B bindable value (REST bodies). */
    public String toJson(Object value) {
        return jsonb.toJson(value);
    }

    private Frame.Request bind(JsonObject object, String text) {
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
        Class<? extends Frame.Request> type = REQUESTS.get(typeString.getString());
        if (type == null) {
            throw new ProtocolException(ErrorCode.UNKNOWN_TYPE,
                    "unknown frame type: " + truncate(typeString.getString()), id);
        }
        checkFieldTypes(typeString.getString(), object, id);
        Frame.Request request = DocFrames.fromJson(typeString.getString(), object);
        try {
            if (request == null) {
                request = type.cast(jsonb.fromJson(text, Frame.class));
            }
        } catch (JsonbException | ClassCastException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "invalid " + typeString.getString()
                    + " frame: " + brief(e), id);
        }
        try {
            request.validate();
        } catch (ProtocolException e) {
            throw e.withRequestId(id);
        }
        return request;
    }

    private static void checkFieldTypes(String type, JsonObject object, String id) {
        FIELD_TYPES.get(type).forEach((field, expected) -> {
            JsonValue value = object.get(field);
            if (value != null && value.getValueType() != JsonValue.ValueType.NULL
                    && value.getValueType() != expected) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST,
                        field + " must be " + expected.name().toLowerCase(), id);
            }
        });
        if (object.get("since") instanceof JsonObject since) {
            if (!(since.get("epoch") instanceof JsonString)
                    || since.get("seq") == null || since.get("seq").getValueType() != JsonValue.ValueType.NUMBER) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST,
                        "since must be {\"epoch\": string, \"seq\": number}", id);
            }
        }
        if (object.get("to") instanceof jakarta.json.JsonArray to
                && to.stream().anyMatch(v -> v.getValueType() != JsonValue.ValueType.STRING)) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "to must be a list of strings", id);
        }
    }

    private static JsonObject parseObject(String text) {
        JsonValue value;
        try (var reader = JsonSupport.JSON.createReader(new StringReader(text))) {
            value = reader.readValue();
        } catch (JsonException | IllegalStateException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "malformed JSON: " + brief(e));
        }
        if (!(value instanceof JsonObject object)) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "a frame must be a JSON object");
        }
        return object;
    }

    /** Best effort id of an oversized frame, without parsing it: only a leading {"id":"..."} is read. */
    private static String idIfCheap(String text) {
        int key = text.indexOf("\"id\"");
        if (key < 0 || key > 200) {
            return null;
        }
        int colon = text.indexOf(':', key);
        int open = colon < 0 ? -1 : text.indexOf('"', colon);
        int close = open < 0 ? -1 : text.indexOf('"', open + 1);
        if (open < 0 || close < 0 || close - open > 130 || !text.substring(colon + 1, open).isBlank()) {
            return null;
        }
        return text.substring(open + 1, close);
    }

    public static int utf8Length(String text) {
        // Fast path: every char is at least one byte; only count exactly when close to the limit.
        int length = text.length();
        if (length * 3L < Integer.MAX_VALUE && length * 3 < 1024) {
            return text.getBytes(StandardCharsets.UTF_8).length;
        }
        int bytes = 0;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
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

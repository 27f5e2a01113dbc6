package dev.tandem.api;

import static dev.tandem.protocol.JsonSupport.JSON;

import dev.tandem.protocol.ErrorCode;
import dev.tandem.protocol.FrameCodec;
import dev.tandem.protocol.ProtocolException;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/** Reading and checking REST request bodies; every mistake is a {@code bad_request}. */
final class JsonBodies {
    static final int MAX_BODY_BYTES = 1 << 20;

    private JsonBodies() {
    }

    static JsonObject object(String body) {
        if (body == null || body.isBlank()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "a JSON object body is required");
        }
        if (FrameCodec.utf8Length(body) > MAX_BODY_BYTES) {
            throw new ProtocolException(ErrorCode.TOO_LARGE, "body exceeds " + MAX_BODY_BYTES + " bytes (UTF-8)");
        }
        try (var reader = JSON.createReader(new StringReader(body))) {
            JsonValue value = reader.readValue();
            if (value instanceof JsonObject object) {
                return object;
            }
        } catch (RuntimeException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "malformed JSON body");
        }
        throw new ProtocolException(ErrorCode.BAD_REQUEST, "the body must be a JSON object");
    }

    static String requiredString(JsonObject object, String field) {
        String value = optionalString(object, field);
        if (value == null || value.isBlank()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, field + " is required");
        }
        return value;
    }

    static String optionalString(JsonObject object, String field) {
        JsonValue value = object.get(field);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (value instanceof JsonString string) {
            return string.getString();
        }
        throw new ProtocolException(ErrorCode.BAD_REQUEST, field + " must be a string");
    }

    static Long optionalLong(JsonObject object, String field) {
        JsonValue value = object.get(field);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (value instanceof JsonNumber number && number.isIntegral()) {
            return number.longValue();
        }
        throw new ProtocolException(ErrorCode.BAD_REQUEST, field + " must be an integer");
    }

    /** A list of non-blank strings, or null when absent. */
    static List<String> optionalStrings(JsonObject object, String field) {
        JsonValue value = object.get(field);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonArray array) || array.isEmpty()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, field + " must be a non-empty list of strings");
        }
        List<String> strings = new ArrayList<>(array.size());
        for (JsonValue item : array) {
            if (!(item instanceof JsonString string) || string.getString().isBlank()) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, field + " must be a non-empty list of strings");
            }
            strings.add(string.getString());
        }
        return strings;
    }

    static String error(ErrorCode code, String message) {
        return code.httpBody(message);
    }
}

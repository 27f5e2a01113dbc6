package dev.tandem.docs;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/** Reading the fields of one JSON op for {@link JsonOps}; every mistake is a {@code bad_request}. */
final class OpFields {
    private OpFields() {
    }

    /**
     * Every string that reaches Automerge (keys, values, text): JSON may escape an unpaired surrogate
     * ({@code "\ud800"}), which is no Unicode text and which Automerge refuses natively with an untyped exception.
     */
    static String unicode(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw DocException.badRequest("strings must be Unicode text: unpaired surrogate at index " + i);
            }
        }
        return s;
    }

    /**
     * A map key: Unicode text, not empty, and within the Basic Multilingual Plane. Automerge refuses an empty
     * key natively, and automerge-java 0.0.7 cannot pass a key with a character beyond U+FFFF (an emoji) to
     * Automerge for set or get ("not a valid UTF-8 string"; values and text are fine). Both found by fuzzing.
     */
    static String mapKey(String key) {
        if (key.isEmpty()) {
            throw DocException.badRequest("map keys must not be empty");
        }
        unicode(key);
        if (key.codePoints().anyMatch(Character::isSupplementaryCodePoint)) {
            throw DocException.badRequest("map keys must not contain characters beyond U+FFFF (such as emoji)");
        }
        return key;
    }

    static JsonValue required(JsonObject op, String name) {
        JsonValue v = op.get(name);
        if (v == null) {
            throw DocException.badRequest("missing field: " + name);
        }
        return v;
    }

    static String string(JsonObject op, String name) {
        if (required(op, name) instanceof JsonString s) {
            return s.getString();
        }
        throw DocException.badRequest(name + " must be a string");
    }

    static JsonArray array(JsonObject op, String name) {
        if (required(op, name) instanceof JsonArray a) {
            return a;
        }
        throw DocException.badRequest(name + " must be an array");
    }

    static long optLong(JsonObject op, String name, long dflt) {
        JsonValue v = op.get(name);
        if (v == null) {
            return dflt;
        }
        if (v instanceof JsonNumber n && n.isIntegral()) {
            try {
                return n.longValueExact();
            } catch (ArithmeticException e) {
                throw DocException.badRequest(name + " out of range");
            }
        }
        throw DocException.badRequest(name + " must be an integer");
    }

    static int optInt(JsonObject op, String name, int dflt) {
        long v = optLong(op, name, dflt);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw DocException.badRequest(name + " out of range");
        }
        return (int) v;
    }
}

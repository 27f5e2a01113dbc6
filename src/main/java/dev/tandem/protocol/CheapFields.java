package dev.tandem.protocol;

/**
 * Cheap looks into a frame too large to parse: its leading {@code type}, its {@code id} and {@code doc}, when
 * they come early, as clients write them. Each answer is null when the field is not where it is looked for;
 * the caller then parses (or answers without it).
 */
final class CheapFields {
    private CheapFields() {
    }

    /** Best effort id of an oversized frame, without parsing it: only a leading {"id":"..."} is read. */
    static String id(String text) {
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

    /** The {@code type} of a frame whose first field is {@code type} (what clients write); null otherwise. */
    static String leadingType(String text) {
        int brace = 0;
        while (brace < text.length() && Character.isWhitespace(text.charAt(brace))) {
            brace++;
        }
        int key = brace + 1;
        while (key < text.length() && Character.isWhitespace(text.charAt(key))) {
            key++;
        }
        return text.startsWith("{", brace) && text.startsWith("\"type\"", key) ? stringField(text, "type", key) : null;
    }

    /** The {@code doc} of a document frame too large to parse, when it comes early (clients write type, doc, data). */
    static String doc(String text) {
        String type = leadingType(text);
        return type != null && type.startsWith("doc.") ? stringField(text, "doc", 0) : null;
    }

    /**
     * The string value of top-level-looking field {@code name} when it appears within the first 400
     * characters (a cheap look at a frame too large to parse); null when not found there or not a plain string.
     */
    private static String stringField(String text, String name, int from) {
        int key = text.indexOf("\"" + name + "\"", from);
        if (key < 0 || key > 400) {
            return null;
        }
        int colon = text.indexOf(':', key);
        int open = colon < 0 ? -1 : text.indexOf('"', colon);
        int close = open < 0 ? -1 : text.indexOf('"', open + 1);
        if (open < 0 || close < 0 || close - open > 200 || !text.substring(colon + 1, open).isBlank()
                || text.substring(open + 1, close).indexOf('\\') >= 0) {
            return null;
        }
        return text.substring(open + 1, close);
    }
}

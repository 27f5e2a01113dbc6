package dev.tandem.docs;

import java.util.regex.Pattern;

/**
 * A validated document address {@code <room>/<name>} where the name has one or two segments,
 * e.g. {@code r1/canvas} or {@code r1/thread/42}. Every segment matches {@code [A-Za-z0-9_-]{1,64}}.
 */
public record DocId(String room, String name) {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public DocId {
        if (room == null || !SEGMENT.matcher(room).matches()) {
            throw DocException.badRequest("invalid document room: " + room);
        }
        if (name == null) {
            throw DocException.badRequest("missing document name");
        }
        String[] parts = name.split("/", -1);
        if (parts.length < 1 || parts.length > 2) {
            throw DocException.badRequest("invalid document name: " + name);
        }
        for (String p : parts) {
            if (!SEGMENT.matcher(p).matches()) {
                throw DocException.badRequest("invalid document name: " + name);
            }
        }
    }

    /** Parses {@code room/name[/sub]}; throws {@link DocException} ({@code bad_request}) if invalid. */
    public static DocId parse(String id) {
        if (id == null || id.length() > 200) {
            throw DocException.badRequest("invalid document id");
        }
        int slash = id.indexOf('/');
        if (slash < 0) {
            throw DocException.badRequest("invalid document id: " + id + " (expected <room>/<name>)");
        }
        return new DocId(id.substring(0, slash), id.substring(slash + 1));
    }

    public DocKind kind() {
        String first = name.contains("/") ? name.substring(0, name.indexOf('/')) : name;
        boolean nested = name.contains("/");
        if (first.equals("canvas")) {
            return DocKind.CANVAS;
        }
        if (first.equals("thread") && nested) {
            return DocKind.THREAD;
        }
        return DocKind.GENERIC;
    }

    @Override
    public String toString() {
        return room + "/" + name;
    }
}

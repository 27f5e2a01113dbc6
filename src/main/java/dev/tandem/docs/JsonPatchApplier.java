package dev.tandem.docs;

import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies JSON patches ({@link JsonPatches}) to a local JSON copy: what a JSON-mode client does
 * with {@code doc.patch} frames. Holds a mutable tree; {@link #toJson()} gives the current value.
 */
public final class JsonPatchApplier {
    private Object root;

    public JsonPatchApplier(JsonValue view) {
        this.root = fromJson(view);
    }

    public JsonValue toJson() {
        return toJson(root);
    }

    public void apply(JsonArray patches) {
        for (JsonValue p : patches) {
            applyOne(p.asJsonObject());
        }
    }

    @SuppressWarnings("unchecked")
    private void applyOne(JsonObject p) {
        String op = p.getString("op");
        JsonArray path = p.getJsonArray("path");
        switch (op) {
            case "splice" -> {
                Object parent = walk(path, path.size() - 1);
                JsonValue last = path.get(path.size() - 1);
                String s = (String) get(parent, last);
                int index = p.getInt("index");
                int del = p.getInt("delete", 0);
                int from = s.offsetByCodePoints(0, index);
                int to = s.offsetByCodePoints(from, del);
                String text = p.getString("text", "");
                set(parent, last, s.substring(0, from) + text + s.substring(to));
            }
            case "put" -> set(walk(path, path.size() - 1), path.get(path.size() - 1), fromJson(p.get("value")));
            case "insert" -> {
                List<Object> list = (List<Object>) walk(path, path.size() - 1);
                int idx = ((JsonNumber) path.get(path.size() - 1)).intValue();
                JsonArray values = p.containsKey("values") ? p.getJsonArray("values")
                        : JsonView.JSON.createArrayBuilder().add(p.get("value")).build();
                for (JsonValue v : values) {
                    list.add(idx++, fromJson(v));
                }
            }
            case "delete" -> {
                Object parent = walk(path, path.size() - 1);
                JsonValue last = path.get(path.size() - 1);
                if (parent instanceof Map<?, ?> m) {
                    m.remove(((JsonString) last).getString());
                } else {
                    List<Object> list = (List<Object>) parent;
                    int idx = ((JsonNumber) last).intValue();
                    int count = p.getInt("count", 1);
                    list.subList(idx, idx + count).clear();
                }
            }
            case "increment" -> {
                Object parent = walk(path, path.size() - 1);
                JsonValue last = path.get(path.size() - 1);
                long v = ((Number) get(parent, last)).longValue();
                set(parent, last, v + p.getJsonNumber("by").longValue());
            }
            default -> throw new IllegalArgumentException("unknown patch op " + op);
        }
    }

    private Object walk(JsonArray path, int n) {
        Object cur = root;
        for (int i = 0; i < n; i++) {
            cur = get(cur, path.get(i));
        }
        return cur;
    }

    @SuppressWarnings("unchecked")
    private static Object get(Object container, JsonValue seg) {
        if (container instanceof Map<?, ?> m) {
            return m.get(((JsonString) seg).getString());
        }
        return ((List<Object>) container).get(((JsonNumber) seg).intValue());
    }

    @SuppressWarnings("unchecked")
    private static void set(Object container, JsonValue seg, Object value) {
        if (container instanceof Map<?, ?> m) {
            ((Map<String, Object>) m).put(((JsonString) seg).getString(), value);
        } else {
            ((List<Object>) container).set(((JsonNumber) seg).intValue(), value);
        }
    }

    private static Object fromJson(JsonValue v) {
        switch (v.getValueType()) {
            case OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                v.asJsonObject().forEach((k, x) -> m.put(k, fromJson(x)));
                return m;
            }
            case ARRAY -> {
                List<Object> l = new ArrayList<>();
                v.asJsonArray().forEach(x -> l.add(fromJson(x)));
                return l;
            }
            case STRING -> {
                return ((JsonString) v).getString();
            }
            case NUMBER -> {
                JsonNumber n = (JsonNumber) v;
                return n.isIntegral() ? (Object) n.longValue() : (Object) n.doubleValue();
            }
            case TRUE -> {
                return Boolean.TRUE;
            }
            case FALSE -> {
                return Boolean.FALSE;
            }
            default -> {
                return null;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static JsonValue toJson(Object o) {
        if (o instanceof Map<?, ?> m) {
            JsonObjectBuilder b = JsonView.JSON.createObjectBuilder();
            ((Map<String, Object>) m).forEach((k, v) -> b.add(k, toJson(v)));
            return b.build();
        }
        if (o instanceof List<?> l) {
            JsonArrayBuilder b = JsonView.JSON.createArrayBuilder();
            l.forEach(v -> b.add(toJson(v)));
            return b.build();
        }
        if (o instanceof String s) {
            return JsonView.JSON.createValue(s);
        }
        if (o instanceof Long n) {
            return JsonView.JSON.createValue(n);
        }
        if (o instanceof Double d) {
            return JsonView.JSON.createValue(d);
        }
        if (o instanceof Boolean b) {
            return b ? JsonValue.TRUE : JsonValue.FALSE;
        }
        return JsonValue.NULL;
    }
}

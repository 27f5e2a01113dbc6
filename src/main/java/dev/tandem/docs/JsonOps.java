package dev.tandem.docs;

import static dev.tandem.docs.OpFields.array;
import static dev.tandem.docs.OpFields.mapKey;
import static dev.tandem.docs.OpFields.optInt;
import static dev.tandem.docs.OpFields.optLong;
import static dev.tandem.docs.OpFields.required;
import static dev.tandem.docs.OpFields.string;
import static dev.tandem.docs.OpFields.unicode;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.Map;
import java.util.Optional;
import org.automerge.AmValue;
import org.automerge.NewValue;
import org.automerge.ObjectId;
import org.automerge.ObjectType;
import org.automerge.Transaction;

/**
 * Applies JSON operations to an open transaction. See docs/documents.md for the format:
 * <pre>
 * {op:"put",       path:[..., key|index], value}
 * {op:"delete",    path:[..., key|index], count?}
 * {op:"insert",    path:[..., list, index|"-"], value | values:[...]}
 * {op:"splice",    path:[..., text], index, delete?, text?}
 * {op:"increment", path:[..., counter], by?}
 * </pre>
 * Values: objects become maps, arrays lists, strings scalar strings, integral numbers ints, other
 * numbers floats; {@code {"$text": "..."}} makes a collaborative Text and {@code {"$counter": n}}
 * a counter. A string {@code put} onto an existing Text replaces its content and keeps it a Text.
 * Text indexes count Unicode code points. Any error throws {@link DocException} and the caller
 * rolls the transaction back.
 */
public final class JsonOps {
    public static final int MAX_OPS = 10_000;
    public static final int MAX_DEPTH = 32;

    private JsonOps() {
    }

    public static void apply(Transaction tx, JsonArray ops) {
        if (ops == null) {
            throw DocException.badRequest("ops must be an array");
        }
        if (ops.size() > MAX_OPS) {
            throw new DocException(DocException.TOO_LARGE, "at most " + MAX_OPS + " ops per request");
        }
        for (int i = 0; i < ops.size(); i++) {
            JsonValue v = ops.get(i);
            if (!(v instanceof JsonObject op)) {
                throw DocException.badRequest("ops[" + i + "] is not an object");
            }
            try {
                applyOne(tx, op);
            } catch (DocException e) {
                throw new DocException(e.code(), "ops[" + i + "]: " + e.getMessage());
            }
        }
    }

    static void applyOne(Transaction tx, JsonObject op) {
        String kind = string(op, "op");
        JsonArray path = array(op, "path");
        switch (kind) {
            case "put" -> put(tx, path, required(op, "value"));
            case "delete" -> delete(tx, path, optInt(op, "count", 1), op.containsKey("count"));
            case "insert" -> insert(tx, path, op);
            case "splice" -> splice(tx, path, op);
            case "increment" -> increment(tx, path, optLong(op, "by", 1));
            default -> throw DocException.badRequest("unknown op: " + kind);
        }
    }

    // --- ops ---

    private static void put(Transaction tx, JsonArray path, JsonValue value) {
        Target t = parent(tx, path);
        if (t.type == ObjectType.MAP) {
            String key = key(path);
            Optional<AmValue> existing = tx.get(t.obj, key);
            if (value instanceof JsonString s && existing.isPresent() && existing.get() instanceof AmValue.Text text) {
                long len = tx.length(text.getId());
                tx.spliceText(text.getId(), 0, len, unicode(s.getString()));
                return;
            }
            write(tx, new MapSlot(t.obj, key), value, 0);
        } else if (t.type == ObjectType.LIST) {
            long idx = index(path, tx.length(t.obj), false);
            write(tx, new ListSet(t.obj, idx), value, 0);
        } else {
            throw DocException.badRequest("cannot put into text; use splice");
        }
    }

    private static void delete(Transaction tx, JsonArray path, int count, boolean countGiven) {
        Target t = parent(tx, path);
        if (t.type == ObjectType.MAP) {
            if (countGiven) {
                throw DocException.badRequest("count applies to list elements and characters, not to a map key");
            }
            String key = key(path);
            if (tx.get(t.obj, key).isEmpty()) {
                throw DocException.notFound("no such key: " + key);
            }
            tx.delete(t.obj, key);
        } else {
            long len = tx.length(t.obj);
            long idx = index(path, len, false);
            if (count < 1 || idx + count > len) {
                throw DocException.badRequest("delete count out of range");
            }
            if (t.type == ObjectType.TEXT) {
                tx.spliceText(t.obj, idx, count, "");
            } else {
                for (int i = 0; i < count; i++) {
                    tx.delete(t.obj, idx);
                }
            }
        }
    }

    private static void insert(Transaction tx, JsonArray path, JsonObject op) {
        Target t = parent(tx, path);
        if (t.type != ObjectType.LIST) {
            throw DocException.badRequest("insert needs a list");
        }
        long idx = index(path, tx.length(t.obj), true);
        if (op.containsKey("values")) {
            JsonArray values = array(op, "values");
            for (JsonValue v : values) {
                write(tx, new ListInsert(t.obj, idx++), v, 0);
            }
        } else {
            write(tx, new ListInsert(t.obj, idx), required(op, "value"), 0);
        }
    }

    private static void splice(Transaction tx, JsonArray path, JsonObject op) {
        Target t = resolve(tx, path, path.size());
        if (t.type != ObjectType.TEXT) {
            throw DocException.badRequest("splice needs a text");
        }
        long len = tx.length(t.obj);
        long index = optLong(op, "index", -1);
        long del = optLong(op, "delete", 0);
        String text = op.containsKey("text") ? unicode(string(op, "text")) : "";
        if (index < 0 || index > len) {
            throw DocException.badRequest("splice index out of range: " + index);
        }
        if (del < 0 || del > len - index) { // not index + del: that overflows for a huge delete
            throw DocException.badRequest("splice delete out of range: " + del);
        }
        tx.spliceText(t.obj, index, del, text);
    }

    private static void increment(Transaction tx, JsonArray path, long by) {
        Target t = parent(tx, path);
        if (t.type == ObjectType.MAP) {
            String key = key(path);
            AmValue v = tx.get(t.obj, key).orElseThrow(() -> DocException.notFound("no such key: " + key));
            if (!(v instanceof AmValue.Counter)) {
                throw DocException.badRequest("not a counter: " + key);
            }
            tx.increment(t.obj, key, by);
        } else if (t.type == ObjectType.LIST) {
            long idx = index(path, tx.length(t.obj), false);
            AmValue v = tx.get(t.obj, (int) idx).orElseThrow(() -> DocException.notFound("no such index"));
            if (!(v instanceof AmValue.Counter)) {
                throw DocException.badRequest("not a counter at index " + idx);
            }
            tx.increment(t.obj, idx, by);
        } else {
            throw DocException.badRequest("cannot increment inside text");
        }
    }

    // --- path resolution ---

    record Target(ObjectId obj, ObjectType type) {
    }

    /** The object holding the path's last element. */
    private static Target parent(Transaction tx, JsonArray path) {
        if (path.isEmpty()) {
            throw DocException.badRequest("path must not be empty");
        }
        return resolve(tx, path, path.size() - 1);
    }

    /** The object at the first {@code n} path elements. */
    private static Target resolve(Transaction tx, JsonArray path, int n) {
        if (path.size() > MAX_DEPTH) {
            throw DocException.badRequest("path too deep");
        }
        ObjectId obj = ObjectId.ROOT;
        ObjectType type = ObjectType.MAP;
        for (int i = 0; i < n; i++) {
            JsonValue seg = path.get(i);
            Optional<AmValue> v;
            if (seg instanceof JsonString s) {
                if (type != ObjectType.MAP) {
                    throw DocException.badRequest("path[" + i + "]: key on a non-map");
                }
                v = tx.get(obj, mapKey(s.getString()));
            } else if (seg instanceof JsonNumber num && num.isIntegral()) {
                if (type != ObjectType.LIST) {
                    throw DocException.badRequest("path[" + i + "]: index on a non-list");
                }
                long idx = num.longValue();
                if (idx < 0 || idx >= tx.length(obj)) {
                    throw DocException.notFound("path[" + i + "]: index out of range");
                }
                v = tx.get(obj, (int) idx);
            } else {
                throw DocException.badRequest("path[" + i + "] must be a string or an integer");
            }
            if (v.isEmpty()) {
                throw DocException.notFound("path[" + i + "] not found: " + seg);
            }
            AmValue val = v.get();
            if (val instanceof AmValue.Map m) {
                obj = m.getId();
                type = ObjectType.MAP;
            } else if (val instanceof AmValue.List l) {
                obj = l.getId();
                type = ObjectType.LIST;
            } else if (val instanceof AmValue.Text t) {
                obj = t.getId();
                type = ObjectType.TEXT;
            } else {
                throw DocException.badRequest("path[" + i + "] is not an object, list or text");
            }
        }
        return new Target(obj, type);
    }

    private static String key(JsonArray path) {
        JsonValue last = path.get(path.size() - 1);
        if (last instanceof JsonString s) {
            return mapKey(s.getString());
        }
        throw DocException.badRequest("last path element must be a key for a map");
    }

    private static long index(JsonArray path, long length, boolean allowEnd) {
        JsonValue last = path.get(path.size() - 1);
        if (allowEnd && last instanceof JsonString s && s.getString().equals("-")) {
            return length;
        }
        if (last instanceof JsonNumber n && n.isIntegral()) {
            long idx = n.longValue();
            if (idx < 0 || idx > length || (!allowEnd && idx == length)) {
                throw DocException.badRequest("index out of range: " + idx + " (length " + length + ")");
            }
            return idx;
        }
        throw DocException.badRequest("last path element must be an index for a list or text");
    }

    // --- values ---

    /** Where a value goes: a map key, an existing list index, or a list insertion point. */
    interface Slot {
        void scalar(Transaction tx, NewValue v);

        ObjectId object(Transaction tx, ObjectType type);

        /** Integers: automerge-java 0.0.7's NewValue.integer(long) widens to a float, so use the int setter. */
        void integer(Transaction tx, int v);

        /**
         * An integer outside the 32-bit range. automerge-java 0.0.7 keeps a uint exactly only on insert:
         * {@code setUint} and {@code set(.., NewValue.uint(v))} on a map key or list index keep its low 32 bits,
         * sign-extended. Elsewhere it is stored as a float, exact up to 2^53 (what JavaScript reads anyway).
         */
        void wideInteger(Transaction tx, long v);
    }

    static void writeLong(Transaction tx, Slot slot, long v) {
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            slot.integer(tx, (int) v);
        } else {
            slot.wideInteger(tx, v);
        }
    }

    record MapSlot(ObjectId obj, String key) implements Slot {
        public void scalar(Transaction tx, NewValue v) {
            tx.set(obj, key, v);
        }

        public ObjectId object(Transaction tx, ObjectType type) {
            return tx.set(obj, key, type);
        }

        public void integer(Transaction tx, int v) {
            tx.set(obj, key, v);
        }

        public void wideInteger(Transaction tx, long v) {
            tx.set(obj, key, NewValue.f64(v));
        }
    }

    private record ListSet(ObjectId obj, long idx) implements Slot {
        public void scalar(Transaction tx, NewValue v) {
            tx.set(obj, idx, v);
        }

        public ObjectId object(Transaction tx, ObjectType type) {
            return tx.set(obj, idx, type);
        }

        public void integer(Transaction tx, int v) {
            tx.set(obj, idx, v);
        }

        public void wideInteger(Transaction tx, long v) {
            tx.set(obj, idx, NewValue.f64(v));
        }
    }

    private record ListInsert(ObjectId obj, long idx) implements Slot {
        public void scalar(Transaction tx, NewValue v) {
            tx.insert(obj, idx, v);
        }

        public ObjectId object(Transaction tx, ObjectType type) {
            return tx.insert(obj, idx, type);
        }

        public void integer(Transaction tx, int v) {
            tx.insert(obj, idx, v);
        }

        public void wideInteger(Transaction tx, long v) {
            if (v > 0) {
                tx.insertUint(obj, idx, v);
            } else {
                tx.insert(obj, idx, NewValue.f64(v));
            }
        }
    }

    private static void write(Transaction tx, Slot slot, JsonValue value, int depth) {
        if (depth > MAX_DEPTH) {
            throw DocException.badRequest("value too deep");
        }
        switch (value.getValueType()) {
            case OBJECT -> {
                JsonObject o = value.asJsonObject();
                if (o.size() == 1 && o.containsKey("$text")) {
                    if (!(o.get("$text") instanceof JsonString s)) {
                        throw DocException.badRequest("$text must be a string");
                    }
                    String content = unicode(s.getString());
                    ObjectId text = slot.object(tx, ObjectType.TEXT);
                    if (!content.isEmpty()) {
                        tx.spliceText(text, 0, 0, content);
                    }
                } else if (o.size() == 1 && o.containsKey("$counter")) {
                    if (!(o.get("$counter") instanceof JsonNumber n) || !n.isIntegral()) {
                        throw DocException.badRequest("$counter must be an integer");
                    }
                    slot.scalar(tx, NewValue.counter(n.longValue()));
                } else {
                    ObjectId map = slot.object(tx, ObjectType.MAP);
                    for (Map.Entry<String, JsonValue> e : o.entrySet()) {
                        write(tx, new MapSlot(map, mapKey(e.getKey())), e.getValue(), depth + 1);
                    }
                }
            }
            case ARRAY -> {
                ObjectId list = slot.object(tx, ObjectType.LIST);
                long i = 0;
                for (JsonValue v : value.asJsonArray()) {
                    write(tx, new ListInsert(list, i++), v, depth + 1);
                }
            }
            case STRING -> slot.scalar(tx, NewValue.str(unicode(((JsonString) value).getString())));
            case NUMBER -> {
                JsonNumber n = (JsonNumber) value;
                if (n.isIntegral()) {
                    try {
                        writeLong(tx, slot, n.longValueExact());
                    } catch (ArithmeticException e) {
                        slot.scalar(tx, NewValue.f64(n.doubleValue()));
                    }
                } else {
                    slot.scalar(tx, NewValue.f64(n.doubleValue()));
                }
            }
            case TRUE -> slot.scalar(tx, NewValue.bool(true));
            case FALSE -> slot.scalar(tx, NewValue.bool(false));
            case NULL -> slot.scalar(tx, NewValue.NULL);
        }
    }
}

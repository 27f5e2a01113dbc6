package dev.tandem.docs;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.util.Base64;
import java.util.Optional;
import org.automerge.AmValue;
import org.automerge.MapEntry;
import org.automerge.ObjectId;
import org.automerge.Read;

/**
 * The JSON view of a document: maps become objects, lists arrays, Text and strings strings,
 * counters/ints/floats numbers, booleans and null themselves, bytes base64 strings, timestamps
 * epoch milliseconds. Conflicts show the winning value (the same one every replica shows).
 */
public final class JsonView {
    static final JsonProvider JSON = JsonProvider.provider();

    private JsonView() {
    }

    public static JsonValue of(Read doc) {
        return map(doc, ObjectId.ROOT);
    }

    static JsonValue map(Read doc, ObjectId obj) {
        JsonObjectBuilder b = JSON.createObjectBuilder();
        Optional<MapEntry[]> entries = doc.mapEntries(obj);
        if (entries.isPresent()) {
            for (MapEntry e : entries.get()) {
                b.add(e.getKey(), value(doc, e.getValue()));
            }
        }
        return b.build();
    }

    static JsonValue list(Read doc, ObjectId obj) {
        JsonArrayBuilder b = JSON.createArrayBuilder();
        Optional<AmValue[]> items = doc.listItems(obj);
        if (items.isPresent()) {
            for (AmValue v : items.get()) {
                b.add(value(doc, v));
            }
        }
        return b.build();
    }

    /** Deep conversion of one value. */
    static JsonValue value(Read doc, AmValue v) {
        if (v instanceof AmValue.Map m) {
            return map(doc, m.getId());
        }
        if (v instanceof AmValue.List l) {
            return list(doc, l.getId());
        }
        if (v instanceof AmValue.Text t) {
            return JSON.createValue(doc.text(t.getId()).orElse(""));
        }
        return scalar(v);
    }

    /** Shallow conversion used by patches: a new object is announced empty, its contents follow. */
    static JsonValue shallow(AmValue v) {
        if (v instanceof AmValue.Map) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        if (v instanceof AmValue.List) {
            return JsonValue.EMPTY_JSON_ARRAY;
        }
        if (v instanceof AmValue.Text) {
            return JSON.createValue("");
        }
        return scalar(v);
    }

    static JsonValue scalar(AmValue v) {
        if (v instanceof AmValue.Str s) {
            return JSON.createValue(s.getValue());
        }
        if (v instanceof AmValue.Int i) {
            return JSON.createValue(i.getValue());
        }
        if (v instanceof AmValue.UInt u) {
            return JSON.createValue(u.getValue());
        }
        if (v instanceof AmValue.F64 f) {
            double d = f.getValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return JsonValue.NULL;
            }
            if (d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15) {
                return JSON.createValue((long) d); // 2.0 is 2 in JSON, as JavaScript prints it
            }
            return JSON.createValue(d);
        }
        if (v instanceof AmValue.Counter c) {
            return JSON.createValue(c.getValue());
        }
        if (v instanceof AmValue.Bool b) {
            return b.getValue() ? JsonValue.TRUE : JsonValue.FALSE;
        }
        if (v instanceof AmValue.Bytes b) {
            return JSON.createValue(Base64.getEncoder().encodeToString(b.getValue()));
        }
        if (v instanceof AmValue.Timestamp t) {
            return JSON.createValue(t.getValue().getTime());
        }
        return JsonValue.NULL;
    }
}

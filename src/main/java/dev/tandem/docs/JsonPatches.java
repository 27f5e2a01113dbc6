package dev.tandem.docs;

import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import java.util.List;
import java.util.Optional;
import org.automerge.AmValue;
import org.automerge.Document;
import org.automerge.ObjectType;
import org.automerge.Patch;
import org.automerge.PatchAction;
import org.automerge.PathElement;
import org.automerge.Prop;

/**
 * Converts Automerge patches into JSON patches for JSON-mode peers:
 * <pre>
 * {op:"put",       path:[..., key|index], value}       value: scalar, or {} / [] / "" for a new map/list/text (its contents follow)
 * {op:"delete",    path:[..., key|index], count?}      count for list ranges (default 1)
 * {op:"insert",    path:[..., list, index], values:[...]}
 * {op:"splice",    path:[..., text], index, delete, text}   indexes in Unicode code points
 * {op:"increment", path:[..., counter], by}
 * </pre>
 * Applied in order to the previous view they yield the view at the patch's heads ({@link JsonPatchApplier}).
 */
public final class JsonPatches {
    private JsonPatches() {
    }

    public static JsonArray of(Document doc, List<Patch> patches) {
        JsonArrayBuilder out = JsonView.JSON.createArrayBuilder();
        for (Patch p : patches) {
            JsonArrayBuilder path = JsonView.JSON.createArrayBuilder();
            for (PathElement e : p.getPath()) {
                addProp(path, e.getProp());
            }
            PatchAction a = p.getAction();
            JsonObjectBuilder o = JsonView.JSON.createObjectBuilder();
            if (a instanceof PatchAction.PutMap pm) {
                o.add("op", "put").add("path", path.add(pm.getKey())).add("value", JsonView.shallow(pm.getValue()));
            } else if (a instanceof PatchAction.PutList pl) {
                o.add("op", "put").add("path", path.add(pl.getIndex())).add("value", JsonView.shallow(pl.getValue()));
            } else if (a instanceof PatchAction.Insert in) {
                JsonArrayBuilder values = JsonView.JSON.createArrayBuilder();
                for (AmValue v : in.getValues()) {
                    values.add(JsonView.shallow(v));
                }
                o.add("op", "insert").add("path", path.add(in.getIndex())).add("values", values);
            } else if (a instanceof PatchAction.SpliceText st) {
                o.add("op", "splice").add("path", path).add("index", st.getIndex()).add("delete", 0)
                        .add("text", st.getText());
            } else if (a instanceof PatchAction.DeleteMap dm) {
                o.add("op", "delete").add("path", path.add(dm.getKey()));
            } else if (a instanceof PatchAction.DeleteList dl) {
                Optional<ObjectType> type = doc.getObjectType(p.getObj());
                if (type.isPresent() && type.get() == ObjectType.TEXT) {
                    o.add("op", "splice").add("path", path).add("index", dl.getIndex())
                            .add("delete", dl.getLength()).add("text", "");
                } else {
                    o.add("op", "delete").add("path", path.add(dl.getIndex()));
                    if (dl.getLength() != 1) {
                        o.add("count", dl.getLength());
                    }
                }
            } else if (a instanceof PatchAction.Increment inc) {
                addProp(path, inc.getProperty());
                o.add("op", "increment").add("path", path).add("by", inc.getValue());
            } else {
                continue; // marks and conflict flags have no JSON representation
            }
            out.add(o);
        }
        return out.build();
    }

    private static void addProp(JsonArrayBuilder path, Prop prop) {
        if (prop instanceof Prop.Key k) {
            path.add(k.getValue());
        } else if (prop instanceof Prop.Index i) {
            path.add(i.getValue());
        }
    }
}

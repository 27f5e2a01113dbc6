package dev.tandem.fuzz;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tandem.docs.DocException;
import dev.tandem.docs.DocKind;
import dev.tandem.docs.Heads;
import dev.tandem.docs.JsonOps;
import dev.tandem.docs.JsonView;
import dev.tandem.docs.Schemas;
import dev.tandem.protocol.JsonSupport;
import jakarta.json.JsonArray;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.automerge.Document;
import org.automerge.Transaction;

/**
 * The JSON-ops bridge ({@code doc.ops}, REST ops) on an Automerge document: any op array either applies
 * or is refused with a typed {@link DocException} ({@code bad_request}, {@code not_found}, {@code too_large});
 * never another exception, a native crash or a hang. A refused batch is rolled back, as the document host
 * does, and must leave the document exactly as it was (same heads, same JSON); an applied one must survive
 * {@code save()} and {@code load()} unchanged.
 *
 * <p>Every input starts from a fork of the same canvas (a shape with a list, a Text, a counter and a nested
 * map; a widget), so inputs are independent and reproducible. Corpus: plain op arrays in
 * {@code src/test/resources/dev/tandem/fuzz/JsonOpsFuzzTestInputs/apply}.
 */
class JsonOpsFuzzTest {
    private static final Set<String> REFUSALS = Set.of(DocException.BAD_REQUEST, DocException.NOT_FOUND,
            DocException.TOO_LARGE);
    private static final Document BASE = base();
    private static final List<String> BASE_HEADS = Heads.hex(BASE.getHeads());
    private static final JsonValue BASE_VIEW = JsonView.of(BASE);

    private static Document base() {
        Document doc = Schemas.create(DocKind.CANVAS);
        Transaction tx = doc.startTransaction();
        JsonOps.apply(tx, parse("""
                [{"op":"put","path":["shapes","s1"],"value":{"kind":"rect","points":[1,2,3],"name":{"$text":"box"},
                   "hits":{"$counter":1},"geometry":{"x":1,"y":2.5},"style":null,"locked":false}},
                 {"op":"put","path":["widgets","timer"],"value":{"seconds":60,"laps":[{"$counter":0}]}}]""")
                .asJsonArray());
        tx.commit();
        return doc;
    }

    @FuzzTest(maxDuration = "15s")
    @DictionaryEntries({"\"op\":", "\"path\":", "\"value\":", "\"values\":", "\"count\":", "\"index\":",
            "\"delete\":", "\"text\":", "\"by\":", "\"put\"", "\"delete\"", "\"insert\"", "\"splice\"",
            "\"increment\"", "\"shapes\"", "\"widgets\"", "\"ui\"", "\"s1\"", "\"points\"", "\"name\"", "\"hits\"",
            "\"geometry\"", "\"timer\"", "\"laps\"", "\"-\"", "{\"$text\":", "{\"$counter\":", "9223372036854775807",
            "-9223372036854775808", "\"\\ud800\""})
    void apply(byte[] input) {
        JsonValue value = parse(new String(input, StandardCharsets.UTF_8));
        if (!(value instanceof JsonArray ops)) {
            return; // The frame codec refuses a doc.ops whose ops is not an array (FrameCodecFuzzTest).
        }
        Document doc = BASE.fork();
        try {
            Transaction tx = doc.startTransaction();
            try {
                JsonOps.apply(tx, ops);
            } catch (RuntimeException e) {
                tx.rollback();
                if (!(e instanceof DocException refused) || !REFUSALS.contains(refused.code())) {
                    throw new AssertionError("ops failed without a typed refusal: " + e, e);
                }
                assertUnchanged(doc);
                return;
            }
            tx.commit();
            assertSurvivesSaveAndLoad(doc);
        } finally {
            doc.free();
        }
    }

    private static void assertUnchanged(Document doc) {
        if (!Heads.hex(doc.getHeads()).equals(BASE_HEADS)) {
            throw new AssertionError("a refused batch changed the heads");
        }
        if (!JsonView.of(doc).equals(BASE_VIEW)) {
            throw new AssertionError("a refused batch changed the document: " + JsonView.of(doc));
        }
    }

    private static void assertSurvivesSaveAndLoad(Document doc) {
        Document loaded = Document.load(doc.save());
        try {
            if (!Heads.hex(loaded.getHeads()).equals(Heads.hex(doc.getHeads()))) {
                throw new AssertionError("save() + load() changed the heads");
            }
            if (!JsonView.of(loaded).equals(JsonView.of(doc))) {
                throw new AssertionError("save() + load() changed the document");
            }
        } finally {
            loaded.free();
        }
    }

    /** Malformed JSON is the codec's business; null means "nothing to apply". */
    private static JsonValue parse(String text) {
        try (var reader = JsonSupport.JSON.createReader(new StringReader(text))) {
            return reader.readValue();
        } catch (RuntimeException malformed) {
            return null;
        }
    }
}

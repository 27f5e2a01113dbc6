package dev.tandem.fuzz;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tandem.protocol.FrameCodec;
import dev.tandem.protocol.ProtocolException;
import jakarta.json.JsonArray;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Any text from a client decodes to a frame or fails with a typed {@link ProtocolException}; anything else
 * (another exception, a hang) is a bug. Corpus: {@code src/test/resources/dev/tandem/fuzz/FrameCodecFuzzTestInputs}.
 *
 * <p>The input is raw bytes, read as UTF-8 like a WebSocket text frame: so the corpus files are plain frames.
 * (A {@code String} parameter would go through Jazzer's structured mutator, whose corpus files are its own
 * binary encoding: hand-written JSON seeds were read as garbage and never reached the codec.)
 */
class FrameCodecFuzzTest {
    private static final FrameCodec CODEC = new FrameCodec(65_536);

    @FuzzTest(maxDuration = "15s")
    @DictionaryEntries({"\"type\":", "\"id\":", "\"hello\"", "\"subscribe\"", "\"unsubscribe\"", "\"publish\"",
            "\"ping\"", "\"pong\"", "\"doc.subscribe\"", "\"doc.unsubscribe\"", "\"doc.sync\"", "\"doc.ops\"",
            "\"refresh\"", "\"topic\":", "\"since\":", "\"epoch\":", "\"seq\":", "\"data\":", "\"to\":", "\"ts\":",
            "\"token\":", "\"doc\":", "\"mode\":", "\"json\"", "\"sync\"", "\"ops\":", "\"r1/chat\"", "\"r1/canvas\""})
    void decode(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            CODEC.decode(text).validate();
        } catch (ProtocolException expected) {
            // A typed refusal is the contract.
        }
        // The SSE upstream: a POSTed body is one frame or an array of frames, each decoded on its own.
        try {
            JsonValue body = CODEC.parseBody(text);
            for (JsonValue frame : body instanceof JsonArray batch ? batch : List.of(body)) {
                try {
                    CODEC.decode(frame).validate();
                } catch (ProtocolException expected) {
                    // Refused frames do not stop the rest of the batch.
                }
            }
        } catch (ProtocolException expected) {
            // Malformed or oversized body.
        }
    }
}

package dev.tandem.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tandem.protocol.FrameCodec;
import dev.tandem.protocol.ProtocolException;

/**
 * Any text from a client decodes to a frame or fails with a typed {@link ProtocolException}; anything else
 * (another exception, a hang) is a bug. Corpus: {@code src/test/resources/dev/tandem/fuzz/FrameCodecFuzzTestInputs}.
 */
class FrameCodecFuzzTest {
    private static final FrameCodec CODEC = new FrameCodec(65_536);

    @FuzzTest(maxDuration = "10s")
    void decode(String text) {
        if (text == null) {
            return; // Jazzer also tries null; a transport never hands the codec one.
        }
        try {
            CODEC.decode(text).validate();
        } catch (ProtocolException expected) {
            // A typed refusal is the contract.
        }
    }
}

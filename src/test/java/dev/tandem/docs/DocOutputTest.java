package dev.tandem.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import jakarta.json.Json;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DocOutputTest {

    @Test
    void aPatchIsEncodedOnceForEveryPeerThatDeliversIt() {
        DocOutput.Patch patch = new DocOutput.Patch("r1/canvas", List.of("ab"),
                Json.createArrayBuilder().add(Json.createObjectBuilder().add("op", "put")).build());
        AtomicInteger encodings = new AtomicInteger();

        List<String> delivered = java.util.stream.IntStream.range(0, 5)
                .mapToObj(peer -> patch.encoded(p -> "patch of " + p.docId() + " #" + encodings.incrementAndGet()))
                .toList();

        assertEquals(1, encodings.get());
        assertEquals("patch of r1/canvas #1", delivered.get(0));
        delivered.forEach(text -> assertSame(delivered.get(0), text));
    }
}

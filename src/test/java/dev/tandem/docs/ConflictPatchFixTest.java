package dev.tandem.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.automerge.AmValue;
import org.automerge.ChangeHash;
import org.automerge.Document;
import org.automerge.ObjectId;
import org.automerge.ObjectType;
import org.automerge.Patch;
import org.automerge.PatchAction;
import org.automerge.PatchLog;
import org.automerge.Transaction;
import org.junit.jupiter.api.Test;

/**
 * A concurrent write that loses a conflict makes Automerge report a conflict patch, which aborts the JVM with
 * automerge-java 0.0.7's own class. Without {@link ConflictPatchFix} this test does not fail: it kills the
 * test JVM, and the build with it.
 */
class ConflictPatchFixTest {
    @Test
    void aLosingConcurrentWriteYieldsAConflictFlagInsteadOfAbortingTheJvm() {
        assertTrue(ConflictPatchFix.jarClassIsBroken(), "automerge-java 0.0.7's class lacks (Prop, long)");
        assertTrue(ConflictPatchFix.install());
        assertTrue(ConflictPatchFix.works());
        Document base = new Document();
        try (Transaction tx = base.startTransaction()) {
            tx.set(ObjectId.ROOT, "ui", ObjectType.MAP);
            tx.commit();
        }
        ObjectId ui = ((AmValue.Map) base.get(ObjectId.ROOT, "ui").orElseThrow()).getId();
        ConflictingWrites writes = ConflictingWrites.of(base, ui, "title");
        String winner = writes.winningValue();
        base.merge(writes.winner());
        Document loser = writes.loser();
        ChangeHash[] before = base.getHeads();
        PatchLog log = new PatchLog();
        base.merge(loser, log);

        List<Patch> patches = base.makePatches(log);
        assertEquals(1, patches.size());
        assertTrue(patches.get(0).getAction() instanceof PatchAction, "a real PatchAction");
        assertEquals(ConflictPatchFix.CLASS_NAME, patches.get(0).getAction().getClass().getName());
        assertEquals(1, base.diff(before, base.getHeads()).size(), "diff meets the same flag");
        assertEquals(List.of(), JsonPatches.of(base, patches), "conflict flags have no JSON form");
        assertEquals(winner, ((AmValue.Str) base.get(ui, "title").orElseThrow()).getValue(), "the winner stands");
        log.free();
        base.free();
        writes.free();
    }
}

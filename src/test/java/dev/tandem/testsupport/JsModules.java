package dev.tandem.testsupport;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The test suite's Node side ({@code src/test/js}: real {@code @automerge/automerge} and {@code ws}
 * clients): skips the calling test visibly when Node is missing, and runs {@code npm ci} once on a
 * fresh checkout.
 */
public final class JsModules {
    public static final File DIR = new File("src/test/js");
    private static final String[] PACKAGES = {"@automerge/automerge", "ws"};

    private JsModules() {
    }

    public static synchronized void ensureInstalled() throws Exception {
        boolean node;
        try {
            node = new ProcessBuilder("node", "--version").start().waitFor() == 0;
        } catch (IOException e) {
            node = false;
        }
        assumeTrue(node, "node is not installed: tests with JS clients skipped");
        for (String pkg : PACKAGES) {
            if (!new File(DIR, "node_modules/" + pkg + "/package.json").exists()) {
                npmCi();
                return;
            }
        }
    }

    private static void npmCi() throws Exception {
        Process p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(DIR).inheritIO().start();
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("npm ci failed in " + DIR.getAbsolutePath());
        }
    }
}

package dev.tandem.testsupport;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /**
     * Runs {@code npm ci} with none of the test JVM's own stdio: under Surefire, stdin and stdout are the
     * forked JVM's channel to Maven, and Node switches pipes it inherits to non-blocking mode, which broke
     * that channel in a CI run ({@code [SUREFIRE] std/in stream corrupted: Resource temporarily
     * unavailable}, the build failed with every test passed). npm's output is shown only when it fails.
     */
    private static void npmCi() throws Exception {
        Path log = Files.createTempFile("tandem-npm-ci", ".log");
        try {
            Process p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(DIR)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            boolean finished = p.waitFor(300, TimeUnit.SECONDS);
            if (!finished) {
                p.destroyForcibly();
            }
            if (!finished || p.exitValue() != 0) {
                throw new IllegalStateException("npm ci failed in " + DIR.getAbsolutePath() + ":\n" + Files.readString(log));
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }
}

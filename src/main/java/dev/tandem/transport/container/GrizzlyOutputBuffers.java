package dev.tandem.transport.container;

import static dev.tandem.transport.container.ContainerFields.field;

import java.lang.reflect.Field;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Lowers the buffer size of Payara's Grizzly {@code OutputBuffer}, which otherwise costs a freshly
 * allocated 8 KB buffer for every message a long-lived connection sends.
 *
 * <p>Grizzly's {@code OutputBuffer.write(byte[], int, int)} copies a write no larger than its
 * {@code bufferSize} into {@code currentBuffer}, which it allocates at {@code bufferSize} when null; every
 * flush hands that buffer to the socket and nulls it. Catalina fixes the size at 8,192 bytes and only ever
 * raises it, Grizzly's own setter is ignored once the response is committed, and no server setting
 * reaches it (bench/PROFILING.md, "Fan-out latency, session 9", item 1, and "SSE on Payara, session 10").
 * A WebSocket frame or an SSE event flushed on its own thus allocated 8 KB. Writes larger than the buffer
 * size skip the copy; smaller ones share a buffer of the new size. Grizzly's {@code recycle()} restores the
 * default size, so a pooled response that serves a plain request later is unaffected.
 *
 * <p>Reflection on container fields: the caller names the path of fields from an object it holds to the
 * buffer. Where any step is missing (Undertow, a changed Payara), nothing changes and the answer names
 * the missing step.
 */
public final class GrizzlyOutputBuffers {
    /** Grizzly's buffer class; Payara's actual one ({@code ServerOutputBuffer}) extends it. */
    public static final String OUTPUT_BUFFER_CLASS = "org.glassfish.grizzly.http.io.OutputBuffer";
    /** The Catalina end of every path: servlet output stream → Catalina OutputBuffer → Grizzly OutputBuffer. */
    public static final List<String> FROM_SERVLET_STREAM = List.of("ob", "grizzlyOutputBuffer");
    private static final Logger LOG = Logger.getLogger(GrizzlyOutputBuffers.class.getName());

    private GrizzlyOutputBuffers() {
    }

    /**
     * Follows {@code path} (field names; a name ending in {@code ?} is followed only where present) from
     * {@code start} to a Grizzly output buffer ({@code outputBufferClass} or a subclass; tests use a
     * look-alike) and lowers its buffer size to {@code bytes}, never raising it. Returns null when it did
     * (or found it small already), else the step that was missing.
     */
    public static String shrink(Object start, List<String> path, int bytes, String outputBufferClass) {
        Object target = start;
        try {
            ContainerFields.Reached reached = ContainerFields.follow(start, path);
            if (reached.target() == null) {
                return reached.missing();
            }
            target = reached.target();
            if (!isA(target.getClass(), outputBufferClass)) {
                return "not Grizzly's buffer: " + target.getClass().getName();
            }
            Field bufferSize = field(target.getClass(), "bufferSize");
            if (bufferSize == null || bufferSize.getType() != int.class) {
                return "no int bufferSize in " + target.getClass().getName();
            }
            if (bufferSize.getInt(target) > bytes) {
                bufferSize.setInt(target, bytes);
            }
            return null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "cannot shrink Grizzly's output buffer", e);
            return e + " at " + target.getClass().getName();
        }
    }

    /** Whether {@code type} is the class named {@code className} or a subclass of it. */
    public static boolean isA(Class<?> type, String className) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(className)) {
                return true;
            }
        }
        return false;
    }
}

package dev.tandem.docs;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import org.automerge.PatchAction;
import org.automerge.Prop;

/**
 * Works around a bug of automerge-java 0.0.7 that aborts the whole JVM. When a batch holds a concurrent
 * write that loses to the current value of a key or list element, Automerge reports a "conflict" patch. The
 * native code builds it as {@code new PatchAction.FlagConflict(Prop, long)}, but the jar's class has only a
 * {@code (Prop)} constructor (and does not even extend {@link PatchAction}): the lookup throws
 * {@code NoSuchMethodError}, the Rust side unwraps it, panics inside a JNI call, and the process dies. Any
 * {@code makePatches} or {@code diff} that meets such a write does this (two clients setting the same key at
 * once, with a JSON peer attached), so one client could take the server down.
 *
 * <p>The fix defines the class the native code expects, before the jar's is ever loaded: a
 * {@code PatchAction} subclass with the {@code (Prop, long)} constructor, in the same class loader and
 * package as {@link PatchAction}. Its bytes are written here (javac cannot compile a top-level class whose
 * name clashes with the jar's nested class). Tandem sends no JSON form for conflict flags, so the class needs
 * no state. It is defined only when the jar's own class lacks that constructor, so a fixed automerge-java
 * keeps its own. {@link #install()} is idempotent and reports whether the class in place is a working one;
 * {@link DocumentHost} refuses to start when it is not, rather than run a server one client could abort.
 */
public final class ConflictPatchFix {
    static final String CLASS_NAME = "org.automerge.PatchAction$FlagConflict";
    private static final System.Logger LOG = System.getLogger(ConflictPatchFix.class.getName());
    private static volatile Boolean installed;

    private ConflictPatchFix() {
    }

    /** Defines the working class if no {@code FlagConflict} is loaded yet; true when the one in place works. */
    public static synchronized boolean install() {
        if (installed == null) {
            installed = defineOrCheck();
        }
        return installed;
    }

    private static boolean defineOrCheck() {
        if (jarClassIsBroken()) {
            try {
                MethodHandles.Lookup automerge = MethodHandles.privateLookupIn(PatchAction.class, MethodHandles.lookup());
                automerge.defineClass(classBytes());
            } catch (IllegalAccessException | LinkageError | RuntimeException e) {
                // LinkageError: the class was loaded already (another deployment sharing the jar, an agent).
                LOG.log(System.Logger.Level.ERROR, "could not define " + CLASS_NAME, e);
            }
        }
        boolean works = works();
        if (!works) {
            LOG.log(System.Logger.Level.ERROR, CLASS_NAME + " lacks the (Prop, long) constructor automerge-java's "
                    + "native code calls: a concurrent write that loses a conflict would abort the JVM. Deploy "
                    + "the automerge jar inside the WAR only (WEB-INF/lib), not as a shared library.");
        }
        return works;
    }

    /** Whether the jar's class file lacks the constructor descriptor the native code looks up (read, not loaded). */
    static boolean jarClassIsBroken() {
        try (var in = PatchAction.class.getResourceAsStream("PatchAction$FlagConflict.class")) {
            if (in == null) {
                return true;
            }
            byte[] bytes = in.readAllBytes();
            byte[] descriptor = "(Lorg/automerge/Prop;J)V".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            outer:
            for (int i = 0; i + descriptor.length <= bytes.length; i++) {
                for (int j = 0; j < descriptor.length; j++) {
                    if (bytes[i + j] != descriptor[j]) {
                        continue outer;
                    }
                }
                return false;
            }
            return true;
        } catch (IOException e) {
            return true;
        }
    }

    /** Whether the loaded class is one the native code can build: a PatchAction with a (Prop, long) constructor. */
    static boolean works() {
        try {
            Class<?> loaded = Class.forName(CLASS_NAME, false, PatchAction.class.getClassLoader());
            loaded.getDeclaredConstructor(Prop.class, long.class);
            return PatchAction.class.isAssignableFrom(loaded);
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    /**
     * {@code public class PatchAction$FlagConflict extends PatchAction { public PatchAction$FlagConflict(Prop p,
     * long unused) { super(); } }} as a class file (version 52: straight-line code needs no stack map).
     */
    static byte[] classBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(0xCAFEBABE);
            out.writeShort(0);  // minor version
            out.writeShort(52); // major version
            out.writeShort(11); // constant pool count: entries 1..10
            utf8(out, "org/automerge/PatchAction$FlagConflict"); // 1
            classRef(out, 1);                                  // 2: this class
            utf8(out, "org/automerge/PatchAction");            // 3
            classRef(out, 3);                                  // 4: super class
            utf8(out, "<init>");                               // 5
            utf8(out, "()V");                                  // 6
            out.writeByte(12);                                 // 7: NameAndType <init> ()V
            out.writeShort(5);
            out.writeShort(6);
            out.writeByte(10);                                 // 8: Methodref PatchAction.<init>()V
            out.writeShort(4);
            out.writeShort(7);
            utf8(out, "(Lorg/automerge/Prop;J)V");             // 9: the constructor's descriptor
            utf8(out, "Code");                                 // 10
            out.writeShort(0x0021); // ACC_PUBLIC | ACC_SUPER
            out.writeShort(2);      // this class
            out.writeShort(4);      // super class
            out.writeShort(0);      // interfaces
            out.writeShort(0);      // fields
            out.writeShort(1);      // methods
            out.writeShort(0x0001); // ACC_PUBLIC
            out.writeShort(5);      // <init>
            out.writeShort(9);      // (Prop, long) -> void
            out.writeShort(1);      // attributes: Code
            out.writeShort(10);
            byte[] code = {0x2a, (byte) 0xb7, 0x00, 0x08, (byte) 0xb1}; // aload_0; invokespecial #8; return
            out.writeInt(2 + 2 + 4 + code.length + 2 + 2);
            out.writeShort(1);      // max stack
            out.writeShort(4);      // max locals: this, prop, long (two slots)
            out.writeInt(code.length);
            out.write(code);
            out.writeShort(0);      // exception table
            out.writeShort(0);      // code attributes
            out.writeShort(0);      // class attributes
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void utf8(DataOutputStream out, String value) throws IOException {
        out.writeByte(1);
        out.writeUTF(value);
    }

    private static void classRef(DataOutputStream out, int nameIndex) throws IOException {
        out.writeByte(7);
        out.writeShort(nameIndex);
    }
}

package dev.tandem.docs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.automerge.ChangeHash;

/** Change hashes as lowercase hex strings, sorted (Automerge's own order of heads). */
public final class Heads {
    private static final HexFormat HEX = HexFormat.of();

    private Heads() {
    }

    public static List<String> hex(ChangeHash[] heads) {
        List<String> out = new ArrayList<>(heads.length);
        for (ChangeHash h : heads) {
            out.add(HEX.formatHex(h.getBytes()));
        }
        out.sort(null);
        return List.copyOf(out);
    }

    public static boolean same(ChangeHash[] a, ChangeHash[] b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.length != b.length) {
            return false;
        }
        return Arrays.asList(a).containsAll(Arrays.asList(b));
    }

    /**
     * An encoded Automerge sync state whose shared heads are {@code heads}: the peer has just loaded
     * a snapshot at these heads, so the first sync round need not describe the whole history.
     * Format (automerge sync::State::encode): 0x43, uleb128 count, 32-byte hashes.
     */
    public static byte[] syncStateWithSharedHeads(ChangeHash[] heads) {
        byte[] out = new byte[1 + 5 + 32 * heads.length];
        int p = 0;
        out[p++] = 0x43;
        long n = heads.length;
        do {
            byte b = (byte) (n & 0x7f);
            n >>>= 7;
            if (n != 0) {
                b |= (byte) 0x80;
            }
            out[p++] = b;
        } while (n != 0);
        for (ChangeHash h : heads) {
            byte[] bytes = h.getBytes();
            System.arraycopy(bytes, 0, out, p, bytes.length);
            p += bytes.length;
        }
        return Arrays.copyOf(out, p);
    }
}

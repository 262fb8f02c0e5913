package simiot.jcre;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import javacard.framework.TransactionException;

/**
 * The commit buffer of one open transaction: the before-image of every
 * persistent array element written through the transaction facility (array
 * stores in applet code, Util.arrayCopy, Util.setShort, key objects), so that
 * abortTransaction or a power loss puts exactly those elements back. Writes
 * that the specification keeps out of transactions (transient arrays, the
 * APDU buffer, Util.arrayCopyNonAtomic/arrayFillNonAtomic) never get here.
 *
 * Capacity: each write that logs at least one new element costs the element
 * bytes it logs plus ENTRY_OVERHEAD bytes (address and length of the entry).
 * An element already logged in this transaction costs nothing again. A write
 * that does not fit throws TransactionException(BUFFER_FULL) before it
 * changes anything; the transaction stays open.
 */
final class Journal {
    /** Bytes a journal entry costs besides the data it saves (an address and a length). */
    static final int ENTRY_OVERHEAD = 4;

    private final int capacity;
    private int used;
    private final Map<Object, BitSet> logged = new IdentityHashMap<>();
    private final List<Object> arrays = new ArrayList<>();
    private final List<Integer> indexes = new ArrayList<>();
    private final List<Object> before = new ArrayList<>();

    Journal(int capacity) {
        this.capacity = capacity;
    }

    int used() {
        return used;
    }

    /** Saves the before-image of array[off .. off+len) unless already saved; may throw BUFFER_FULL. */
    void log(Object array, int off, int len) {
        int n = java.lang.reflect.Array.getLength(array);
        if (off < 0 || len <= 0 || off + len > n) {
            return; // the store itself throws the index exception
        }
        BitSet done = logged.get(array);
        int fresh = 0;
        for (int i = off; i < off + len; i++) {
            if (done == null || !done.get(i)) {
                fresh++;
            }
        }
        if (fresh == 0) {
            return;
        }
        int cost = fresh * elementSize(array) + ENTRY_OVERHEAD;
        if (used + cost > capacity) {
            TransactionException.throwIt(TransactionException.BUFFER_FULL);
        }
        used += cost;
        if (done == null) {
            done = new BitSet(n);
            logged.put(array, done);
        }
        for (int i = off; i < off + len; i++) {
            if (!done.get(i)) {
                done.set(i);
                arrays.add(array);
                indexes.add(i);
                before.add(java.lang.reflect.Array.get(array, i));
            }
        }
    }

    /** Writes every saved before-image back (abort, or recovery after a power loss). */
    void rollback() {
        for (int k = arrays.size() - 1; k >= 0; k--) {
            java.lang.reflect.Array.set(arrays.get(k), indexes.get(k), before.get(k));
        }
    }

    static int elementSize(Object array) {
        if (array instanceof short[]) {
            return 2;
        }
        if (array instanceof Object[]) {
            return 2; // an object reference on a 16-bit card
        }
        return 1;
    }
}

package simiot.jcre;

import javacard.framework.AID;
import javacard.framework.APDU;
import javacard.framework.Applet;

/**
 * Static entry points used by the javacard.* facade classes. They act on the
 * card that is currently running (a JVM hosts one card at a time per thread of
 * control; tests create a new Card per test).
 */
public final class Jcre {
    /** Per thread, so that several simulated cards can run in one JVM (tests, a host per slot). */
    private static final ThreadLocal<Card> CURRENT = new ThreadLocal<>();

    private Jcre() {
    }

    static void enter(Card c) {
        CURRENT.set(c);
    }

    static Card card() {
        Card c = CURRENT.get();
        if (c == null) {
            throw new IllegalStateException("no card is running on this thread");
        }
        return c;
    }

    public static ApduIo apduIo() {
        return card().io;
    }

    public static APDU currentApdu() {
        return card().apdu;
    }

    public static void register(Applet applet, AID aid) {
        card().register(applet, aid);
    }

    public static boolean selectingApplet() {
        return card().selecting;
    }

    public static AID selectedAid() {
        Card c = card();
        return c.selected ? c.aid : null;
    }

    public static AID lookupAid(byte[] b, short off, byte len) {
        Card c = card();
        return c.aid != null && c.aid.equals(b, off, len) ? c.aid : null;
    }

    public static Object makeTransient(Object array, byte event) {
        return card().makeTransient(array, event);
    }

    public static byte isTransient(Object o) {
        return card().isTransient(o);
    }

    public static void beginTransaction() {
        card().beginTransaction();
    }

    public static void commitTransaction() {
        card().commitTransaction();
    }

    public static void abortTransaction() {
        card().abortTransaction();
    }

    public static byte transactionDepth() {
        return (byte) (card().inTransaction() ? 1 : 0);
    }

    /** Lets a test play a card without some algorithm (for capability probing). */
    public static boolean missingAlgorithm(byte algorithm) {
        Card c = CURRENT.get();
        return c != null && c.missing(algorithm);
    }

    /** One atomic step of the card; a tear test may cut the power here. */
    public static void tearPoint() {
        Card c = CURRENT.get();
        if (c != null) {
            c.tearPoint();
        }
    }

    public static short maxCommitCapacity() {
        return card().maxCommitCapacity();
    }

    public static short unusedCommitCapacity() {
        return card().unusedCommitCapacity();
    }

    public static short availableMemory(byte type) {
        return card().availableMemory(type);
    }

    /** Before an atomic write of array[off .. off+len): a tear point, journaled inside a transaction. */
    public static void atomicWrite(Object array, int off, int len) {
        Card c = CURRENT.get();
        if (c != null) {
            c.beforeAtomicWrite(array, off, len);
        }
    }

    /** The second array of one atomic write (a key's flag): journaled, but no tear point of its own. */
    public static void atomicWriteNoTear(Object array, int off, int len) {
        Card c = CURRENT.get();
        if (c != null) {
            c.journalOnly(array, off, len);
        }
    }

    /** True when a non-atomic write to this array goes to persistent memory of the running card. */
    public static boolean persistent(Object array) {
        Card c = CURRENT.get();
        return c != null && c.persistentNonAtomic(array);
    }

    // ---- array stores of applet bytecode: the build (simiot.tools.Instrumenter) turns each
    // ---- bastore/sastore/aastore of the applet classes into a call of these

    /** bastore: byte[] or boolean[] element write. */
    public static void bastore(Object array, int index, int value) {
        atomicWrite(array, index, 1);
        if (array instanceof boolean[]) {
            ((boolean[]) array)[index] = (value & 1) != 0;
        } else {
            ((byte[]) array)[index] = (byte) value;
        }
    }

    public static void sastore(short[] array, int index, int value) {
        atomicWrite(array, index, 1);
        array[index] = (short) value;
    }

    public static void aastore(Object[] array, int index, Object value) {
        atomicWrite(array, index, 1);
        array[index] = value;
    }
}

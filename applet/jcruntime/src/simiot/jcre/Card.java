package simiot.jcre;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import javacard.framework.AID;
import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.TransactionException;

/**
 * One simulated Java Card holding one applet: power, reset, APDU dispatch,
 * SELECT, transient memory, transactions, tear injection, and a persistent
 * image that can be saved to and loaded from a file.
 */
public final class Card {
    /** T=1 card, 10 historical bytes "SimIoT JC1"; the last byte is TCK. */
    public static final byte[] ATR = atr();

    final ApduIo io = new ApduIo();
    final APDU apdu;
    Applet applet;
    AID aid;
    boolean selected;
    boolean selecting;
    private boolean powered;
    private final Map<Object, Byte> transients = new IdentityHashMap<>();
    private long tearCountdown = -1;
    private long atomicSteps;

    public Card() {
        try {
            Constructor<APDU> c = APDU.class.getDeclaredConstructor();
            c.setAccessible(true);
            apdu = c.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] atr() {
        byte[] hist = "SimIoT JC1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] a = new byte[4 + hist.length + 1];
        a[0] = 0x3B;
        a[1] = (byte) (0x80 | hist.length);
        a[2] = (byte) 0x80; // TD1: TD2 follows, T=0 offered
        a[3] = 0x01;        // TD2: T=1
        System.arraycopy(hist, 0, a, 4, hist.length);
        byte tck = 0;
        for (int i = 1; i < a.length - 1; i++) {
            tck ^= a[i];
        }
        a[a.length - 1] = tck;
        return a;
    }

    /** Installs the applet as the JCRE would: static install(bArray, bOffset, bLength) with GP-style parameters. */
    public void install(Class<? extends Applet> appletClass, byte[] aidBytes, byte[] appParams) {
        Jcre.enter(this);
        byte[] p = appParams == null ? new byte[0] : appParams;
        byte[] b = new byte[1 + aidBytes.length + 1 + 1 + p.length];
        int o = 0;
        b[o++] = (byte) aidBytes.length;
        System.arraycopy(aidBytes, 0, b, o, aidBytes.length);
        o += aidBytes.length;
        b[o++] = 0;
        b[o++] = (byte) p.length;
        System.arraycopy(p, 0, b, o, p.length);
        try {
            Method m = appletClass.getMethod("install", byte[].class, short.class, byte.class);
            m.invoke(null, b, (short) 0, (byte) b.length);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("install failed", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        if (applet == null) {
            throw new IllegalStateException("applet did not register");
        }
        powered = true;
    }

    void register(Applet a, AID id) {
        if (applet != null) {
            throw new IllegalStateException("one applet per simulated card");
        }
        applet = a;
        aid = id;
    }

    private final java.util.Set<Byte> missingAlgorithms = new java.util.HashSet<>();

    /** Makes Cipher.getInstance(algorithm) fail with NO_SUCH_ALGORITHM on this card (call before install). */
    public void withoutAlgorithm(byte algorithm) {
        missingAlgorithms.add(algorithm);
    }

    boolean missing(byte algorithm) {
        return missingAlgorithms.contains(algorithm);
    }

    public Applet applet() {
        return applet;
    }

    Object makeTransient(Object array, byte event) {
        if (event != 1 && event != 2) {
            javacard.framework.SystemException.throwIt(javacard.framework.SystemException.ILLEGAL_VALUE);
        }
        if (transientBytes() + java.lang.reflect.Array.getLength(array) * Journal.elementSize(array) > transientMemory) {
            javacard.framework.SystemException.throwIt(javacard.framework.SystemException.NO_TRANSIENT_SPACE);
        }
        transients.put(array, event);
        return array;
    }

    byte isTransient(Object o) {
        Byte b = transients.get(o);
        return b == null ? 0 : b;
    }

    private Set<Object> transientSet() {
        return Collections.unmodifiableSet(transients.keySet());
    }

    private void clearTransients(boolean resetToo) {
        for (Map.Entry<Object, Byte> e : transients.entrySet()) {
            if (e.getValue() == 2 || resetToo) {
                Object a = e.getKey();
                if (a instanceof byte[]) java.util.Arrays.fill((byte[]) a, (byte) 0);
                else if (a instanceof short[]) java.util.Arrays.fill((short[]) a, (short) 0);
                else if (a instanceof boolean[]) java.util.Arrays.fill((boolean[]) a, false);
                else if (a instanceof Object[]) java.util.Arrays.fill((Object[]) a, null);
            }
        }
    }

    // ---- memory: what the JCRE journals, and how much there is

    /**
     * Default commit buffer, in bytes. Cards publish from about 256 bytes to a
     * few KB (JCSystem.getMaxCommitCapacity); 512 is at the small end, so an
     * applet that fits here fits on the cards a lab will meet.
     */
    public static final int DEFAULT_COMMIT_CAPACITY = 512;
    /** Default EEPROM left for this applet's objects, and RAM for its transient arrays. */
    public static final int DEFAULT_PERSISTENT_MEMORY = 16384;
    public static final int DEFAULT_TRANSIENT_MEMORY = 2048;

    private int commitCapacity = DEFAULT_COMMIT_CAPACITY;
    private int persistentMemory = DEFAULT_PERSISTENT_MEMORY;
    private int transientMemory = DEFAULT_TRANSIENT_MEMORY;
    private int peakCommitUsed;

    /** Sets the commit buffer size in bytes (JCSystem.getMaxCommitCapacity). */
    public void commitCapacity(int bytes) {
        commitCapacity = bytes;
    }

    /** Sets the EEPROM and RAM this card has for the applet (JCSystem.getAvailableMemory, transient allocation). */
    public void memory(int persistentBytes, int transientBytes) {
        persistentMemory = persistentBytes;
        transientMemory = transientBytes;
    }

    /** The most commit buffer bytes any transaction on this card has used so far. */
    public int peakCommitUsed() {
        return peakCommitUsed;
    }

    short maxCommitCapacity() {
        return clampShort(commitCapacity);
    }

    short unusedCommitCapacity() {
        return clampShort(commitCapacity - (journal == null ? 0 : journal.used()));
    }

    short availableMemory(byte type) {
        if (type == 0) {
            int used = 0;
            if (applet != null) {
                for (Object v : StateCodec.capture(applet, transientSet()).values()) {
                    used += v.getClass().isArray() ? java.lang.reflect.Array.getLength(v) * Journal.elementSize(v) : 2;
                }
            }
            return clampShort(persistentMemory - used);
        }
        if (type == 1 || type == 2) {
            return clampShort(transientMemory - transientBytes());
        }
        javacard.framework.SystemException.throwIt(javacard.framework.SystemException.ILLEGAL_VALUE);
        return 0;
    }

    private int transientBytes() {
        int n = 0;
        for (Object a : transients.keySet()) {
            n += java.lang.reflect.Array.getLength(a) * (a instanceof short[] || a instanceof Object[] ? 2 : 1);
        }
        return n;
    }

    private static short clampShort(int v) {
        return (short) Math.max(0, Math.min(Short.MAX_VALUE, v));
    }

    /** RAM: transient arrays and the APDU buffer. Never journaled, and losing power there is no write to tear. */
    private boolean ram(Object array) {
        return array == io.buffer() || transients.containsKey(array);
    }

    /**
     * Before an atomic write of array[off .. off+len) (an array store, Util.arrayCopy,
     * Util.setShort, a key update): the power may fail before it, and inside a
     * transaction its before-image goes to the commit buffer.
     */
    void beforeAtomicWrite(Object array, int off, int len) {
        if (array == null || ram(array)) {
            return;
        }
        tearPoint();
        if (journal != null) {
            journal.log(array, off, len);
            peakCommitUsed = Math.max(peakCommitUsed, journal.used());
        }
    }

    void journalOnly(Object array, int off, int len) {
        if (journal != null && array != null && !ram(array)) {
            journal.log(array, off, len);
            peakCommitUsed = Math.max(peakCommitUsed, journal.used());
        }
    }

    /** True when a non-atomic write to this array is a persistent write that a tear can cut in two. */
    boolean persistentNonAtomic(Object array) {
        return array != null && !ram(array);
    }

    // ---- transactions: an undo journal of the persistent writes made through the transaction facility

    private Journal journal;

    boolean inTransaction() {
        return journal != null;
    }

    void beginTransaction() {
        tearPoint();
        if (journal != null) {
            TransactionException.throwIt(TransactionException.IN_PROGRESS);
        }
        journal = new Journal(commitCapacity);
    }

    void commitTransaction() {
        tearPoint();
        if (journal == null) {
            TransactionException.throwIt(TransactionException.NOT_IN_PROGRESS);
        }
        journal = null;
    }

    void abortTransaction() {
        if (journal == null) {
            TransactionException.throwIt(TransactionException.NOT_IN_PROGRESS);
        }
        rollback();
    }

    private void rollback() {
        if (journal != null) {
            journal.rollback();
            journal = null;
        }
    }

    // ---- tear injection for power-loss tests

    /** Cuts the power at the n-th persistent write (or transaction begin/commit) from now (n >= 1); 0 disables. */
    public void tearAfter(long n) {
        tearCountdown = n <= 0 ? -1 : n;
    }

    /** Number of persistent writes and transaction steps counted since the card was created. */
    public long atomicSteps() {
        return atomicSteps;
    }

    void tearPoint() {
        atomicSteps++;
        if (tearCountdown > 0 && --tearCountdown == 0) {
            tearCountdown = -1;
            throw new PowerLoss();
        }
    }

    // ---- power

    public boolean powered() {
        return powered;
    }

    public void powerOn() {
        Jcre.enter(this);
        powered = true;
    }

    /** Power off or loss: an open transaction rolls back, all transient memory clears, nothing is selected. */
    public void powerOff() {
        Jcre.enter(this);
        rollback();
        clearTransients(true);
        selected = false;
        selecting = false;
        powered = false;
    }

    public void reset() {
        powerOff();
        powerOn();
    }

    // ---- APDU dispatch

    public byte[] transmit(byte[] command) {
        Jcre.enter(this);
        if (!powered) {
            throw new IllegalStateException("card is not powered");
        }
        if (!io.load(command)) {
            return sw(new byte[0], ISO7816.SW_WRONG_LENGTH);
        }
        byte[] buf = io.buffer();
        short status = ISO7816.SW_NO_ERROR;
        try {
            boolean isSelect = buf[0] == 0 && buf[1] == ISO7816.INS_SELECT && buf[2] == 0x04;
            if ((buf[0] & 0x03) != 0 && (buf[0] & 0x80) == 0) {
                return sw(new byte[0], ISO7816.SW_LOGICAL_CHANNEL_NOT_SUPPORTED);
            }
            if (isSelect && matchesAid(command)) {
                if (selected) {
                    applet.deselect();
                }
                selected = false;
                clearTransients(false);
                if (!applet.select()) {
                    return sw(new byte[0], ISO7816.SW_APPLET_SELECT_FAILED);
                }
                selected = true;
                selecting = true;
            } else if (!selected) {
                return sw(new byte[0], isSelect ? ISO7816.SW_FILE_NOT_FOUND : ISO7816.SW_CONDITIONS_NOT_SATISFIED);
            }
            applet.process(apdu);
        } catch (ISOException e) {
            status = e.getReason();
        } catch (PowerLoss e) {
            powerOff();
            throw e;
        } catch (RuntimeException e) {
            // Any exception the applet lets escape ends the command with 6F00, as on a card.
            status = ISO7816.SW_UNKNOWN;
        } finally {
            selecting = false;
        }
        // A transaction still open when process() returns is aborted by the JCRE.
        rollback();
        return sw(io.responseData(), status);
    }

    private boolean matchesAid(byte[] command) {
        int lc = command.length > 5 ? command[4] & 0xFF : 0;
        return lc >= 5 && lc <= 16 && aid != null && command.length >= 5 + lc && aid.partialEquals(command, (short) 5, (byte) lc);
    }

    private static byte[] sw(byte[] data, short sw) {
        byte[] r = new byte[data.length + 2];
        System.arraycopy(data, 0, r, 0, data.length);
        r[data.length] = (byte) (sw >> 8);
        r[data.length + 1] = (byte) sw;
        return r;
    }

    // ---- persistent image

    public Map<String, Object> persistentImage() {
        return StateCodec.capture(applet, transientSet());
    }

    public byte[] encodeImage() {
        return StateCodec.encode(persistentImage());
    }

    /** Writes the persistent image atomically (temporary file, then rename). */
    public void save(Path file) throws IOException {
        byte[] bytes = encodeImage();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Writes a persistent image (as from persistentImage()) back into the card, as load() does from a file. */
    public void restoreImage(Map<String, Object> image) {
        Jcre.enter(this);
        StateCodec.restore(applet, transientSet(), image);
    }

    public void load(Path file) throws IOException {
        Jcre.enter(this);
        StateCodec.restore(applet, transientSet(), StateCodec.decode(Files.readAllBytes(file)));
    }
}

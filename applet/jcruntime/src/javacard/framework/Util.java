package javacard.framework;

import simiot.jcre.Jcre;

/**
 * Array utilities, with the JC 3.0.5 atomicity: arrayCopy and setShort are
 * atomic (all or nothing on a tear; journaled inside a transaction);
 * arrayCopyNonAtomic and arrayFillNonAtomic are not journaled, even inside a
 * transaction, and a power loss can cut one into a written first half and an
 * unwritten second half.
 */
public class Util {
    private Util() {
    }

    public static final short arrayCopy(byte[] src, short srcOff, byte[] dest, short destOff, short length)
            throws ArrayIndexOutOfBoundsException, NullPointerException, TransactionException {
        checkBounds(src, srcOff, length);
        checkBounds(dest, destOff, length);
        Jcre.atomicWrite(dest, destOff, length);
        System.arraycopy(src, srcOff, dest, destOff, length);
        return (short) (destOff + length);
    }

    public static final short arrayCopyNonAtomic(byte[] src, short srcOff, byte[] dest, short destOff, short length)
            throws ArrayIndexOutOfBoundsException, NullPointerException {
        checkBounds(src, srcOff, length);
        checkBounds(dest, destOff, length);
        // the source may overlap the destination: read it all before the first write
        byte[] data = java.util.Arrays.copyOfRange(src, srcOff, srcOff + length);
        int half = nonAtomicFirstHalf(dest, length);
        System.arraycopy(data, 0, dest, destOff, half);
        nonAtomicSecondHalf(dest, length);
        System.arraycopy(data, half, dest, destOff + half, length - half);
        return (short) (destOff + length);
    }

    /** A persistent non-atomic write is two steps for the tear tests: power can fail before it or halfway. */
    private static int nonAtomicFirstHalf(Object dest, short length) {
        if (!Jcre.persistent(dest) || length == 0) {
            return 0;
        }
        Jcre.tearPoint();
        return length / 2;
    }

    private static void nonAtomicSecondHalf(Object dest, short length) {
        if (Jcre.persistent(dest) && length > 1) {
            Jcre.tearPoint();
        }
    }

    public static final short arrayFillNonAtomic(byte[] bArray, short bOff, short bLen, byte bValue)
            throws ArrayIndexOutOfBoundsException, NullPointerException {
        checkBounds(bArray, bOff, bLen);
        int half = nonAtomicFirstHalf(bArray, bLen);
        java.util.Arrays.fill(bArray, bOff, bOff + half, bValue);
        nonAtomicSecondHalf(bArray, bLen);
        java.util.Arrays.fill(bArray, bOff + half, bOff + bLen, bValue);
        return (short) (bOff + bLen);
    }

    public static final byte arrayCompare(byte[] src, short srcOff, byte[] dest, short destOff, short length)
            throws ArrayIndexOutOfBoundsException, NullPointerException {
        checkBounds(src, srcOff, length);
        checkBounds(dest, destOff, length);
        for (int i = 0; i < length; i++) {
            int a = src[srcOff + i] & 0xFF;
            int b = dest[destOff + i] & 0xFF;
            if (a != b) {
                return (byte) (a < b ? -1 : 1);
            }
        }
        return 0;
    }

    public static final short makeShort(byte b1, byte b2) {
        return (short) (((b1 & 0xFF) << 8) | (b2 & 0xFF));
    }

    public static final short getShort(byte[] bArray, short bOff) {
        return makeShort(bArray[bOff], bArray[bOff + 1]);
    }

    public static final short setShort(byte[] bArray, short bOff, short sValue) throws TransactionException {
        checkBounds(bArray, bOff, (short) 2);
        Jcre.atomicWrite(bArray, bOff, 2);
        bArray[bOff] = (byte) (sValue >> 8);
        bArray[bOff + 1] = (byte) sValue;
        return (short) (bOff + 2);
    }

    private static void checkBounds(byte[] a, short off, short len) {
        if (a == null) {
            throw new NullPointerException();
        }
        if (off < 0 || len < 0 || off + len > a.length) {
            throw new ArrayIndexOutOfBoundsException();
        }
    }
}

package javacard.framework;

import simiot.jcre.Jcre;

/**
 * Array utilities. Each call is one atomic step of the card: the simulator may
 * cut the power before it (tear tests), never in the middle of it.
 */
public class Util {
    private Util() {
    }

    public static final short arrayCopy(byte[] src, short srcOff, byte[] dest, short destOff, short length)
            throws ArrayIndexOutOfBoundsException, NullPointerException, TransactionException {
        Jcre.tearPoint();
        checkBounds(src, srcOff, length);
        checkBounds(dest, destOff, length);
        System.arraycopy(src, srcOff, dest, destOff, length);
        return (short) (destOff + length);
    }

    public static final short arrayCopyNonAtomic(byte[] src, short srcOff, byte[] dest, short destOff, short length)
            throws ArrayIndexOutOfBoundsException, NullPointerException {
        return arrayCopy(src, srcOff, dest, destOff, length);
    }

    public static final short arrayFillNonAtomic(byte[] bArray, short bOff, short bLen, byte bValue)
            throws ArrayIndexOutOfBoundsException, NullPointerException {
        Jcre.tearPoint();
        checkBounds(bArray, bOff, bLen);
        java.util.Arrays.fill(bArray, bOff, bOff + bLen, bValue);
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
        Jcre.tearPoint();
        checkBounds(bArray, bOff, (short) 2);
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

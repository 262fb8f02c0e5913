package org.simiot.applet;

/**
 * Unsigned 32- and 64-bit big-endian numbers kept in byte arrays, since the
 * applet may only use byte and short arithmetic.
 */
final class U32 {
    private U32() {
    }

    /** -1, 0 or 1 as a is below, equal to or above b (4 bytes, unsigned). */
    static byte compare(byte[] a, short aOff, byte[] b, short bOff) {
        for (short i = 0; i < 4; i++) {
            short x = (short) (a[(short) (aOff + i)] & 0xFF);
            short y = (short) (b[(short) (bOff + i)] & 0xFF);
            if (x != y) {
                return x < y ? (byte) -1 : (byte) 1;
            }
        }
        return 0;
    }

    static boolean isZero(byte[] a, short off, short len) {
        byte acc = 0;
        for (short i = 0; i < len; i++) {
            acc |= a[(short) (off + i)];
        }
        return acc == 0;
    }

    /** a += v (0..255); returns true on overflow past 2^32-1. */
    static boolean add(byte[] a, short off, short v) {
        short carry = v;
        for (short i = 3; i >= 0 && carry != 0; i--) {
            short p = (short) (off + i);
            short sum = (short) ((short) (a[p] & 0xFF) + carry);
            a[p] = (byte) sum;
            carry = (short) (sum >> 8);
        }
        return carry != 0;
    }

    /**
     * hi - lo when 1 <= hi - lo <= 64, otherwise 0x7FFF (also when lo >= hi).
     * Window arithmetic never needs more than that.
     */
    static short smallDistance(byte[] hi, short hiOff, byte[] lo, short loOff) {
        if (compare(hi, hiOff, lo, loOff) <= 0) {
            return 0x7FFF;
        }
        short borrow = 0;
        short low = 0;
        byte upper = 0;
        for (short i = 3; i >= 0; i--) {
            short d = (short) ((short) ((short) (hi[(short) (hiOff + i)] & 0xFF) - (short) (lo[(short) (loOff + i)] & 0xFF)) - borrow);
            borrow = 0;
            if (d < 0) {
                d = (short) (d + 256);
                borrow = 1;
            }
            if (i == 3) {
                low = d;
            } else {
                upper |= (byte) d;
            }
        }
        return (upper == 0 && low <= Constants.WINDOW_SIZE) ? low : 0x7FFF;
    }

    /** Bit n (0 = least significant) of a big-endian u64. */
    static boolean bit(byte[] a, short off, short n) {
        short p = (short) (off + 7 - (short) (n >> 3));
        return (a[p] & (byte) (1 << (n & 7))) != 0;
    }

    static void setBit(byte[] a, short off, short n) {
        short p = (short) (off + 7 - (short) (n >> 3));
        a[p] |= (byte) (1 << (n & 7));
    }

    /** Shifts a big-endian u64 left by n bits (n >= 0; 64 or more clears it). */
    static void shiftLeft(byte[] a, short off, short n) {
        short bytes = (short) (n >> 3);
        short bits = (short) (n & 7);
        for (short i = 0; i < 8; i++) {
            short src = (short) (i + bytes);
            short hi = src < 8 ? (short) (a[(short) (off + src)] & 0xFF) : 0;
            short lo = (short) (src + 1) < 8 ? (short) (a[(short) (off + src + 1)] & 0xFF) : 0;
            a[(short) (off + i)] = (byte) ((short) (hi << bits) | (short) (lo >> (short) (8 - bits)));
        }
    }
}

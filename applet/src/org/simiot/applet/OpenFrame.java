package org.simiot.applet;

import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.Util;

/**
 * The v3 frame being filled. SUBMIT COMPACT appends compact reading blocks to
 * it across APDUs until it is full or the terminal asks for it to be sealed
 * (the agent keeps the deadline: the card has no clock of its own). It lives in
 * CLEAR_ON_RESET RAM and takes its sequence number only when sealed, so a
 * reset or power loss discards it whole: never half a frame on the air and
 * never a sequence number spent on it. The agent keeps the readings until
 * their frame is sealed and submits them again into a new frame (P1_NEW_FRAME).
 */
final class OpenFrame {
    private final Outbox out;
    private final Proactive pro;
    private final byte[] ram;
    private final byte[] plain;

    OpenFrame(Outbox out, Proactive pro, byte[] ram) {
        this.out = out;
        this.pro = pro;
        this.ram = ram;
        plain = JCSystem.makeTransientByteArray(Constants.OPEN_SIZE, JCSystem.CLEAR_ON_RESET);
    }

    short length() {
        return Util.getShort(ram, Constants.R_OPEN_LENGTH);
    }

    /**
     * SUBMIT COMPACT: buf[off..off+len) must be whole compact blocks. P1_NEW_FRAME
     * discards what is open first; a block that does not fit seals what is open
     * and starts the next frame; P1_SEAL (or a full frame) seals after appending.
     * Either all of it happens or, with 6A84 (no room for the frames), nothing.
     */
    void submit(byte[] buf, short off, short len, byte p1) {
        check(buf, off, len);
        short open = (byte) (p1 & Constants.P1_NEW_FRAME) != 0 ? 0 : length();
        boolean sealFirst = (short) (open + len) > Constants.OPEN_SIZE;
        short after = sealFirst ? len : (short) (open + len);
        boolean sealAfter = (byte) (p1 & Constants.P1_SEAL) != 0 || after == Constants.OPEN_SIZE;
        short need = 0;
        short entries = 0;
        if (sealFirst && open > 0) {
            need = (short) (Constants.FRAME_PREFIX + Constants.V2_OVERHEAD + open);
            entries++;
        }
        if (sealAfter && after > 0) {
            need = (short) (need + Constants.FRAME_PREFIX + Constants.V2_OVERHEAD + after);
            entries++;
        }
        if (need > (short) (Constants.TX_SIZE - out.used()) || entries > pro.free()) {
            ISOException.throwIt(ISO7816.SW_FILE_FULL);
        }
        Util.setShort(ram, Constants.R_OPEN_LENGTH, open);
        if (sealFirst) {
            seal();
        }
        short at = length();
        Util.arrayCopyNonAtomic(buf, off, plain, at, len);
        Util.setShort(ram, Constants.R_OPEN_LENGTH, (short) (at + len));
        if (sealAfter) {
            seal();
        }
    }

    /** True when what is open can be sealed now (or nothing is open). */
    boolean canSeal() {
        short open = length();
        return open == 0 || out.hasRoom(open);
    }

    /** Seals what is open into a v3 uplink-data frame at the FIFO tail; nothing when empty. */
    void seal() {
        short open = length();
        if (open == 0) {
            return;
        }
        Util.arrayCopyNonAtomic(plain, (short) 0, out.buffer(), (short) (out.used() + Constants.FRAME_PREFIX + Constants.V2_HEADER), open);
        out.seal(Constants.V3_MAGIC, Constants.KIND_UPLINK_DATA, open);
        Util.setShort(ram, Constants.R_OPEN_LENGTH, (short) 0);
    }

    void discard() {
        Util.setShort(ram, Constants.R_OPEN_LENGTH, (short) 0);
    }

    /** Whole blocks: a count of at least one, each reading's values all there. 6A80 otherwise. */
    private static void check(byte[] buf, short off, short len) {
        short end = (short) (off + len);
        while (off < end) {
            if ((short) (off + Constants.COMPACT_BLOCK_HEADER) > end) {
                ISOException.throwIt(ISO7816.SW_WRONG_DATA);
            }
            short count = (short) (buf[(short) (off + Constants.COMPACT_OFF_COUNT)] & 0xFF);
            if (count == 0) {
                ISOException.throwIt(ISO7816.SW_WRONG_DATA);
            }
            off = (short) (off + Constants.COMPACT_BLOCK_HEADER);
            for (short i = 0; i < count; i++) {
                if ((short) (off + Constants.COMPACT_READING_HEADER) > end) {
                    ISOException.throwIt(ISO7816.SW_WRONG_DATA);
                }
                byte format = buf[(short) (off + Constants.COMPACT_OFF_FORMAT)];
                short width = (short) ((short) ((format >> Constants.COMPACT_WIDTH_SHIFT) & 0x03) + 1);
                off = (short) (off + Constants.COMPACT_READING_HEADER + (short) (width * (short) (format & Constants.COMPACT_COUNT_MASK)));
                if (off > end) {
                    ISOException.throwIt(ISO7816.SW_WRONG_DATA);
                }
            }
        }
    }
}

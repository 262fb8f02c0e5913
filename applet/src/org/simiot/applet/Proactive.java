package org.simiot.applet;

import javacard.framework.Util;

/**
 * The card side of the proactive protocol (ETSI TS 102 223): an ordered queue
 * of commands to issue, the one outstanding command (built, announced with
 * 91xx, fetched, waiting for its TERMINAL RESPONSE), the BER-TLV builders and
 * a COMPREHENSION-TLV finder.
 */
final class Proactive {
    private final byte[] ram;
    private final byte[] cmd;

    Proactive(byte[] ram, byte[] commandBuffer) {
        this.ram = ram;
        this.cmd = commandBuffer;
    }

    byte[] buffer() {
        return cmd;
    }

    // ---- queue

    short queued() {
        return ram[Constants.R_QUEUE_COUNT];
    }

    short free() {
        return (short) (Constants.QUEUE_SIZE - ram[Constants.R_QUEUE_COUNT]);
    }

    boolean push(byte code) {
        short n = ram[Constants.R_QUEUE_COUNT];
        if (n >= Constants.QUEUE_SIZE) {
            return false;
        }
        ram[(short) (Constants.R_QUEUE + n)] = code;
        ram[Constants.R_QUEUE_COUNT] = (byte) (n + 1);
        return true;
    }

    boolean pushFront(byte code) {
        short n = ram[Constants.R_QUEUE_COUNT];
        if (n >= Constants.QUEUE_SIZE) {
            return false;
        }
        // shift up by hand: an overlapping copy towards higher offsets is not safe on every card
        for (short i = n; i > 0; i--) {
            ram[(short) (Constants.R_QUEUE + i)] = ram[(short) (Constants.R_QUEUE + i - 1)];
        }
        ram[Constants.R_QUEUE] = code;
        ram[Constants.R_QUEUE_COUNT] = (byte) (n + 1);
        return true;
    }

    byte head() {
        return ram[Constants.R_QUEUE_COUNT] == 0 ? 0 : ram[Constants.R_QUEUE];
    }

    void pop() {
        short n = ram[Constants.R_QUEUE_COUNT];
        if (n == 0) {
            return;
        }
        Util.arrayCopyNonAtomic(ram, (short) (Constants.R_QUEUE + 1), ram, Constants.R_QUEUE, (short) (n - 1));
        ram[Constants.R_QUEUE_COUNT] = (byte) (n - 1);
    }

    /** Removes every entry with this code; returns how many were removed. */
    short removeAll(byte code) {
        short n = ram[Constants.R_QUEUE_COUNT];
        short kept = 0;
        for (short i = 0; i < n; i++) {
            byte c = ram[(short) (Constants.R_QUEUE + i)];
            if (c != code) {
                ram[(short) (Constants.R_QUEUE + kept)] = c;
                kept++;
            }
        }
        ram[Constants.R_QUEUE_COUNT] = (byte) kept;
        return (short) (n - kept);
    }

    boolean contains(byte code) {
        short n = ram[Constants.R_QUEUE_COUNT];
        for (short i = 0; i < n; i++) {
            if (ram[(short) (Constants.R_QUEUE + i)] == code) {
                return true;
            }
        }
        return false;
    }

    void clear() {
        ram[Constants.R_QUEUE_COUNT] = 0;
        ram[Constants.R_OUT_STATE] = Constants.OUT_NONE;
    }

    // ---- building proactive commands into the command buffer

    /** Writes D0, Command Details and Device Identities; returns the offset of the next object. */
    short begin(byte type, byte qualifier, byte destination) {
        byte number = (byte) (ram[Constants.R_COMMAND_NUMBER] + 1);
        if (number == (byte) 0xFF || number == 0) {
            number = 1;
        }
        ram[Constants.R_COMMAND_NUMBER] = number;
        short o = 3; // room for D0 81 LL; moved down by finish() when the body is short
        cmd[o++] = (byte) (Constants.TAG_COMMAND_DETAILS | Constants.CR);
        cmd[o++] = 3;
        cmd[o++] = number;
        cmd[o++] = type;
        cmd[o++] = qualifier;
        cmd[o++] = (byte) (Constants.TAG_DEVICE_IDENTITIES | Constants.CR);
        cmd[o++] = 2;
        cmd[o++] = Constants.DEV_UICC;
        cmd[o++] = destination;
        return o;
    }

    /** Writes a tag and a BER length (1 or 2 bytes); returns the offset of the value. */
    short tagLength(short o, byte tag, short len) {
        cmd[o++] = tag;
        if (len > 127) {
            cmd[o++] = (byte) 0x81;
        }
        cmd[o++] = (byte) len;
        return o;
    }

    /** Closes the D0 template ending at end and marks it ready; returns its length. */
    short finish(short end, byte kind, boolean implicit) {
        short body = (short) (end - 3);
        short start;
        if (body > 127) {
            cmd[0] = Constants.TAG_PROACTIVE;
            cmd[1] = (byte) 0x81;
            cmd[2] = (byte) body;
            start = 3;
        } else {
            Util.arrayCopyNonAtomic(cmd, (short) 3, cmd, (short) 2, body);
            cmd[0] = Constants.TAG_PROACTIVE;
            cmd[1] = (byte) body;
            start = 2;
        }
        short len = (short) (start + body);
        Util.setShort(ram, Constants.R_OUT_LENGTH, len);
        ram[Constants.R_OUT_KIND] = kind;
        ram[Constants.R_OUT_IMPLICIT] = implicit ? (byte) 1 : (byte) 0;
        ram[Constants.R_OUT_STATE] = Constants.OUT_READY;
        return len;
    }

    short outstandingLength() {
        return Util.getShort(ram, Constants.R_OUT_LENGTH);
    }

    /** Offset of the Command Details value (number, type, qualifier) in the built command. */
    short commandDetailsOffset() {
        return (short) ((cmd[1] == (byte) 0x81 ? 3 : 2) + 2);
    }

    // ---- COMPREHENSION-TLV lookup

    /**
     * Finds a simple COMPREHENSION-TLV (CR flag ignored) in buf[off, off+len);
     * returns the offset of its value and stores its length in lenOut[lenIdx],
     * or -1 when absent. Throws nothing: a malformed list yields -1.
     */
    static short find(byte[] buf, short off, short len, byte tag, byte[] lenOut, short lenIdx) {
        short end = (short) (off + len);
        short p = off;
        while ((short) (p + 2) <= end) {
            byte t = (byte) (buf[p] & Constants.TAG_MASK);
            if (buf[p] == 0x7F) {
                return -1; // three-byte tags are not used by any object we read
            }
            p++;
            short l = (short) (buf[p] & 0xFF);
            p++;
            if (l == 0x81) {
                if (p >= end) {
                    return -1;
                }
                l = (short) (buf[p] & 0xFF);
                p++;
            } else if (l > 0x7F) {
                return -1;
            }
            if ((short) (p + l) > end) {
                return -1;
            }
            if (t == tag) {
                lenOut[lenIdx] = (byte) l;
                return p;
            }
            p = (short) (p + l);
        }
        return -1;
    }
}

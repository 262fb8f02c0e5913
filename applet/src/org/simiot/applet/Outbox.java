package org.simiot.applet;

import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.Util;

/**
 * The outgoing frame queue: sealed frames wait in a FIFO (u16 length, frame)
 * until SEND DATA has carried them out, each with one Q_SEND entry in the
 * proactive queue; the uplink sequence they carry; the session's counters.
 */
final class Outbox {
    private final Store store;
    private final Crypto crypto;
    private final Proactive pro;
    private final byte[] ram;
    private final byte[] tx;

    Outbox(Store store, Crypto crypto, Proactive pro, byte[] ram, byte[] tx) {
        this.store = store;
        this.crypto = crypto;
        this.pro = pro;
        this.ram = ram;
        this.tx = tx;
    }

    /** The FIFO; a new frame is written after used() + FRAME_PREFIX, then committed. */
    byte[] buffer() {
        return tx;
    }

    short used() {
        return Util.getShort(ram, Constants.R_TX_USED);
    }

    /** Adds a saturating counter of the session (R_COUNT_*). */
    void count(short off) {
        short v = Util.getShort(ram, off);
        if (v != Constants.COUNTER_MAX) {
            Util.setShort(ram, off, (short) (v + 1));
        }
    }

    /** Queues the frame of len bytes written at the FIFO tail. */
    void commit(short len) {
        short used = used();
        Util.setShort(tx, used, len);
        Util.setShort(ram, Constants.R_TX_USED, (short) (used + Constants.FRAME_PREFIX + len));
        pro.push(Constants.Q_SEND);
    }

    private void removeHead() {
        short used = used();
        if (used == 0) {
            return;
        }
        short first = (short) (Constants.FRAME_PREFIX + Util.getShort(tx, (short) 0));
        Util.arrayCopyNonAtomic(tx, first, tx, (short) 0, (short) (used - first));
        Util.setShort(ram, Constants.R_TX_USED, (short) (used - first));
        Util.setShort(ram, Constants.R_TX_SENT, (short) 0);
    }

    short frames() {
        short used = used();
        short n = 0;
        short p = 0;
        while (p < used) {
            p = (short) (p + Constants.FRAME_PREFIX + Util.getShort(tx, p));
            n++;
        }
        return n;
    }

    /** Keeps the first keep frames of the FIFO and drops (counts) the others. */
    void dropFrom(short keep) {
        short used = used();
        short p = 0;
        for (short i = 0; i < keep && p < used; i++) {
            p = (short) (p + Constants.FRAME_PREFIX + Util.getShort(tx, p));
        }
        short dropped = (short) (frames() - keep);
        Util.setShort(ram, Constants.R_TX_USED, p);
        for (short i = 0; i < dropped; i++) {
            count(Constants.R_COUNT_DROPPED);
        }
    }

    void dropAll() {
        while (used() > 0) {
            removeHead();
            count(Constants.R_COUNT_DROPPED);
        }
        pro.removeAll(Constants.Q_SEND);
    }

    boolean hasRoom(short plainLen) {
        short need = (short) (Constants.FRAME_PREFIX + Constants.V2_OVERHEAD + plainLen);
        return need <= (short) (Constants.TX_SIZE - used()) && pro.free() > 0;
    }

    /** The TERMINAL RESPONSE to a SEND DATA of the head frame's next chunk. */
    void sendDone(boolean ok, byte result, byte cause) {
        if (ok) {
            short sent = (short) (Util.getShort(ram, Constants.R_TX_SENT) + Util.getShort(ram, Constants.R_OUT_CHUNK));
            Util.setShort(ram, Constants.R_TX_SENT, sent);
            if (sent < Util.getShort(tx, (short) 0)) {
                return; // more chunks of the same frame follow
            }
            removeHead();
            count(Constants.R_COUNT_SENT);
        } else {
            removeHead();
            count(Constants.R_COUNT_DROPPED);
            if (result == Constants.RESULT_BIP_ERROR
                    && (cause == Constants.BIP_CHANNEL_CLOSED || cause == Constants.BIP_CHANNEL_ID_INVALID)) {
                ram[Constants.R_CHANNEL] = 0;
            }
        }
        pro.pop();
    }

    /**
     * Seals the plaintext already written at the FIFO tail after room for the
     * header: header, CTR encryption with K_enc_up, 8-byte CMAC tag with K_mac_up.
     */
    void seal(byte kind, short plainLen) {
        seal(Constants.V2_MAGIC, kind, plainLen);
    }

    /** As above with the given magic: V3_MAGIC for a frame of compact readings. */
    void seal(byte magic, byte kind, short plainLen) {
        short f = (short) (used() + Constants.FRAME_PREFIX);
        tx[f] = magic;
        tx[(short) (f + Constants.V2_OFF_KIND)] = kind;
        Util.arrayCopyNonAtomic(store.state, Constants.P_MODEM_ID, tx, (short) (f + Constants.V2_OFF_MODEM_ID), Constants.MODEM_ID_SIZE);
        nextSequence(tx, (short) (f + Constants.V2_OFF_SEQUENCE));
        short body = (short) (f + Constants.V2_HEADER);
        crypto.ctr(store.encUp, tx, f, tx, body, plainLen);
        crypto.tag(store.macUp, tx, f, (short) (Constants.V2_HEADER + plainLen), tx, (short) (body + plainLen));
        commit((short) (Constants.V2_OVERHEAD + plainLen));
    }

    /**
     * Builds the command-result (v2 kind 04, or a bare v1 ACK packet in legacy mode)
     * for the command id at cmd[cmdOff] (cmdOff 0: unsolicited, id 0) and queues it.
     */
    void queueResult(byte[] cmd, short cmdOff, byte status, boolean v2) {
        short p = (short) (used() + Constants.FRAME_PREFIX);
        if (v2) {
            p = (short) (p + Constants.V2_HEADER);
            if (cmdOff == 0) {
                Util.arrayFillNonAtomic(tx, p, Constants.COMMAND_ID_SIZE, (byte) 0); // command id 0: unsolicited report
            } else {
                Util.arrayCopyNonAtomic(cmd, cmdOff, tx, p, Constants.COMMAND_ID_SIZE);
            }
            p = (short) (p + Constants.COMMAND_ID_SIZE);
        }
        tx[p++] = Constants.V1_ACK;
        tx[p] = (byte) ((byte) (status << 4) | (byte) (store.state[Constants.P_CARRIER] & Constants.NIBBLE));
        if (v2) {
            seal(Constants.KIND_COMMAND_RESULT, Constants.V2_COMMAND_PLAIN);
        } else {
            commit(Constants.V1_PACKET_SIZE);
        }
    }

    // ---------------------------------------------------------------- uplink sequence

    /**
     * Hands out the next uplink sequence. The persistent limit is moved SEQ_BLOCK
     * ahead before any number of a new block is used, so one EEPROM write covers
     * SEQ_BLOCK frames and a power loss only skips numbers, never repeats one.
     */
    private void nextSequence(byte[] out, short off) {
        byte[] s = store.state;
        if (ram[Constants.R_SEQ_LOADED] == 0) {
            Util.arrayCopyNonAtomic(s, Constants.P_SEQ_LIMIT, ram, Constants.R_SEQ_NEXT, (short) 4);
            ram[Constants.R_SEQ_LOADED] = 1;
        }
        if (U32.compare(ram, Constants.R_SEQ_NEXT, s, Constants.P_SEQ_LIMIT) >= 0) {
            Util.arrayCopyNonAtomic(ram, Constants.R_SEQ_NEXT, out, off, (short) 4);
            if (U32.add(out, off, Constants.SEQ_BLOCK)) {
                ISOException.throwIt(ISO7816.SW_CONDITIONS_NOT_SATISFIED); // 2^32 frames: re-key the card
            }
            Util.arrayCopy(out, off, s, Constants.P_SEQ_LIMIT, (short) 4);
        }
        Util.arrayCopyNonAtomic(ram, Constants.R_SEQ_NEXT, out, off, (short) 4);
        U32.add(ram, Constants.R_SEQ_NEXT, (short) 1);
    }

    /** The next uplink sequence, without using it. */
    void peekSequence(byte[] out, short off) {
        if (ram[Constants.R_SEQ_LOADED] == 0) {
            Util.arrayCopyNonAtomic(store.state, Constants.P_SEQ_LIMIT, out, off, (short) 4);
        } else {
            Util.arrayCopyNonAtomic(ram, Constants.R_SEQ_NEXT, out, off, (short) 4);
        }
    }
}

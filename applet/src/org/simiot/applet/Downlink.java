package org.simiot.applet;

import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.TransactionException;
import javacard.framework.Util;

/**
 * The downlink: data available to RECEIVE DATA to a datagram, verified against
 * the persistent replay window, then acted on (an uplink acknowledgement, or a
 * carrier switch with its fallback timer).
 */
final class Downlink {
    private final Store store;
    private final Crypto crypto;
    private final Proactive pro;
    private final Outbox out;
    private final byte[] ram;
    private final byte[] rx;
    private final byte[] tlvLength;

    Downlink(Store store, Crypto crypto, Proactive pro, Outbox out, byte[] ram, byte[] rx, byte[] tlvLength) {
        this.store = store;
        this.crypto = crypto;
        this.pro = pro;
        this.out = out;
        this.ram = ram;
        this.rx = rx;
        this.tlvLength = tlvLength;
    }

    void reset() {
        Util.setShort(ram, Constants.R_RX_LENGTH, (short) 0);
        ram[Constants.R_RX_OVERFLOW] = 0;
    }

    /** EVENT DOWNLOAD data available on channel id: queue a RECEIVE DATA. */
    void dataAvailable(byte[] buf, short v, short len, byte id) {
        if (ram[Constants.R_CHANNEL] == 0) {
            ISOException.throwIt(ISO7816.SW_CONDITIONS_NOT_SATISFIED);
        }
        if (id != ram[Constants.R_CHANNEL]) {
            ISOException.throwIt(ISO7816.SW_WRONG_DATA);
        }
        short dl = Proactive.find(buf, v, len, Constants.TAG_CHANNEL_DATA_LENGTH, tlvLength, (short) 0);
        if (dl < 0 || tlvLength[0] != 1) {
            ISOException.throwIt(ISO7816.SW_WRONG_DATA);
        }
        short avail = (short) (buf[dl] & 0xFF);
        if (avail == 0) {
            return;
        }
        boolean receiving = pro.contains(Constants.Q_RECEIVE)
                || (ram[Constants.R_OUT_STATE] != Constants.OUT_NONE && ram[Constants.R_OUT_KIND] == Constants.Q_RECEIVE);
        if (receiving || pro.free() == 0) {
            ISOException.throwIt(Constants.SW_TOOLKIT_BUSY);
        }
        reset();
        pro.push(Constants.Q_RECEIVE);
    }

    /**
     * The TERMINAL RESPONSE to a RECEIVE DATA. UDP keeps datagram boundaries, the
     * channel's Rx buffer does not say where they are: a terminal never returns
     * bytes of two datagrams in one RECEIVE DATA, so an answer shorter than asked
     * ends a datagram, and so does one that leaves nothing behind. The card always
     * asks for a full chunk.
     */
    void receiveDone(boolean ok, byte[] buf, short off, short lc) {
        if (!ok) {
            reset();
            return;
        }
        short n = 0;
        short d = Proactive.find(buf, off, lc, Constants.TAG_CHANNEL_DATA, tlvLength, (short) 0);
        if (d >= 0) {
            n = (short) (tlvLength[0] & 0xFF);
            short have = Util.getShort(ram, Constants.R_RX_LENGTH);
            if ((short) (have + n) > Constants.RX_SIZE) {
                ram[Constants.R_RX_OVERFLOW] = 1;
            } else {
                Util.arrayCopyNonAtomic(buf, d, rx, have, n);
                Util.setShort(ram, Constants.R_RX_LENGTH, (short) (have + n));
            }
        }
        short r = Proactive.find(buf, off, lc, Constants.TAG_CHANNEL_DATA_LENGTH, tlvLength, (short) 0);
        short remaining = (r >= 0 && tlvLength[0] == 1) ? (short) (buf[r] & 0xFF) : 0;
        if (n == Constants.MAX_CHUNK && remaining > 0) {
            if (pro.pushFront(Constants.Q_RECEIVE)) {
                return; // the same datagram goes on
            }
            ram[Constants.R_RX_OVERFLOW] = 1;
        }
        if (Util.getShort(ram, Constants.R_RX_LENGTH) > 0 || ram[Constants.R_RX_OVERFLOW] != 0) {
            processDatagram();
        }
        reset();
        if (n > 0 && remaining > 0) {
            pro.pushFront(Constants.Q_RECEIVE); // another datagram waits in the terminal
        }
    }

    /** A complete datagram is in rx: open it, verify it, act on it. Never throws. */
    private void processDatagram() {
        short len = Util.getShort(ram, Constants.R_RX_LENGTH);
        if (ram[Constants.R_RX_OVERFLOW] != 0) {
            out.count(Constants.R_COUNT_MALFORMED);
            return;
        }
        if (store.has(Constants.F_LEGACY)) {
            if (len != Constants.V1_PACKET_SIZE || rx[0] != Constants.V1_PERFORM || (byte) (rx[1] & Constants.NIBBLE) != 0
                    || !Store.carrierBit(Constants.CARRIER_VALID_MASK, (short) ((rx[1] >> 4) & Constants.NIBBLE))) {
                out.count(Constants.R_COUNT_MALFORMED);
                return;
            }
            perform((short) 0, (short) ((rx[1] >> 4) & Constants.NIBBLE), false);
            return;
        }
        if (len < Constants.V2_OVERHEAD || rx[0] != Constants.V2_MAGIC
                || Util.arrayCompare(rx, Constants.V2_OFF_MODEM_ID, store.state, Constants.P_MODEM_ID, Constants.MODEM_ID_SIZE) != 0) {
            out.count(Constants.R_COUNT_MALFORMED);
            return;
        }
        byte kind = rx[Constants.V2_OFF_KIND];
        if (kind != Constants.KIND_UPLINK_ACK && kind != Constants.KIND_DOWNLINK_COMMAND) {
            out.count(Constants.R_COUNT_MALFORMED);
            return;
        }
        short plainLen = (short) (len - Constants.V2_OVERHEAD);
        if (!crypto.verifyTag(store.macDown, rx, (short) 0, (short) (len - Constants.V2_TAG), rx, (short) (len - Constants.V2_TAG), Constants.V2_TAG)) {
            out.count(Constants.R_COUNT_BAD_MAC);
            return;
        }
        if (!fresh()) {
            out.count(Constants.R_COUNT_REPLAYED);
            return;
        }
        crypto.ctr(store.encDown, rx, (short) 0, rx, Constants.V2_HEADER, plainLen);
        short p = Constants.V2_HEADER;
        if (kind == Constants.KIND_UPLINK_ACK) {
            if (plainLen != Constants.ACK_SIZE) {
                out.count(Constants.R_COUNT_MALFORMED);
                return;
            }
            if (!ackPlausible(p)) {
                out.count(Constants.R_COUNT_MALFORMED);
                return;
            }
            boolean wasArmed = store.state[Constants.P_FALLBACK_ARMED] != 0;
            JCSystem.beginTransaction();
            acceptSequence();
            store.state[Constants.P_FALLBACK_ARMED] = 0;
            JCSystem.commitTransaction();
            Util.arrayCopyNonAtomic(rx, p, ram, Constants.R_ACK, Constants.ACK_SIZE);
            ram[Constants.R_ACK_VALID] = 1;
            if (wasArmed) {
                pro.push(Constants.Q_TIMER_STOP);
            }
            return;
        }
        // downlink-command: command id (u32, >= 1), then exactly one Carrier Switch Perform
        if (plainLen != Constants.V2_COMMAND_PLAIN || U32.isZero(rx, p, Constants.COMMAND_ID_SIZE)
                || rx[(short) (p + Constants.COMMAND_OFF_PERFORM)] != Constants.V1_PERFORM
                || (byte) (rx[(short) (p + Constants.COMMAND_OFF_CARRIER)] & Constants.NIBBLE) != 0
                || !Store.carrierBit(Constants.CARRIER_VALID_MASK, (short) ((rx[(short) (p + Constants.COMMAND_OFF_CARRIER)] >> 4) & Constants.NIBBLE))) {
            out.count(Constants.R_COUNT_MALFORMED);
            return;
        }
        perform(p, (short) ((rx[(short) (p + Constants.COMMAND_OFF_CARRIER)] >> 4) & Constants.NIBBLE), true);
    }

    /** An acknowledgement can only cover sequences the card has handed out. */
    private boolean ackPlausible(short p) {
        byte[] s = store.state;
        byte[] limit = ram[Constants.R_SEQ_LOADED] != 0 ? ram : s;
        short lOff = ram[Constants.R_SEQ_LOADED] != 0 ? Constants.R_SEQ_NEXT : Constants.P_SEQ_LIMIT;
        return U32.compare(rx, p, limit, lOff) < 0;
    }

    /** Replay check of the sequence at rx[10..13] against the persistent window; changes nothing. */
    private boolean fresh() {
        byte[] s = store.state;
        short seq = Constants.V2_OFF_SEQUENCE;
        if (U32.isZero(rx, seq, (short) 4)) {
            return false;
        }
        byte c = U32.compare(rx, seq, s, Constants.P_RX_HIGHEST);
        if (c > 0) {
            return true;
        }
        if (c == 0) {
            return false;
        }
        short d = U32.smallDistance(s, Constants.P_RX_HIGHEST, rx, seq);
        if (d > Constants.WINDOW_SIZE) {
            return false;
        }
        return !U32.bit(s, Constants.P_RX_BITMAP, (short) (d - 1));
    }

    /** Records the sequence at rx[10..13] in the window; call inside a transaction after fresh(). */
    private void acceptSequence() {
        byte[] s = store.state;
        short seq = Constants.V2_OFF_SEQUENCE;
        if (U32.compare(rx, seq, s, Constants.P_RX_HIGHEST) > 0) {
            if (U32.isZero(s, Constants.P_RX_HIGHEST, (short) 4)) {
                store.clear(Constants.P_RX_BITMAP, Constants.WINDOW_BITMAP_SIZE);
            } else {
                short d = U32.smallDistance(rx, seq, s, Constants.P_RX_HIGHEST);
                U32.shiftLeft(s, Constants.P_RX_BITMAP, d > Constants.WINDOW_SIZE ? Constants.WINDOW_SIZE : d);
                if (d <= Constants.WINDOW_SIZE) {
                    U32.setBit(s, Constants.P_RX_BITMAP, (short) (d - 1));
                }
            }
            Util.arrayCopy(rx, seq, s, Constants.P_RX_HIGHEST, (short) 4);
        } else {
            short d = U32.smallDistance(s, Constants.P_RX_HIGHEST, rx, seq);
            U32.setBit(s, Constants.P_RX_BITMAP, (short) (d - 1));
        }
    }

    /**
     * Carrier Switch Perform: switch (atomically, with the replay window and the
     * fallback state), then queue CLOSE, REFRESH, the result frame and the
     * fallback timer. A carrier without subscription, or a switch that cannot
     * be committed, answers NACK with the carrier unchanged.
     */
    private void perform(short cmdOff, short target, boolean v2) {
        byte[] s = store.state;
        short resultPlain = v2 ? Constants.V2_COMMAND_PLAIN : Constants.V1_PACKET_SIZE;
        if (pro.free() < Constants.PERFORM_QUEUE_ENTRIES || !out.hasRoom(resultPlain)) {
            out.count(Constants.R_COUNT_DROPPED); // no room to answer: act on nothing, the cloud retries
            return;
        }
        boolean wasArmed = s[Constants.P_FALLBACK_ARMED] != 0;
        byte status = Constants.V1_STATUS_NACK;
        boolean switched = false;
        try {
            JCSystem.beginTransaction();
            if (v2) {
                acceptSequence();
            }
            if (store.subscribed(target)) {
                status = Constants.V1_STATUS_ACK;
                if (target != s[Constants.P_CARRIER]) {
                    s[Constants.P_PREVIOUS_CARRIER] = s[Constants.P_CARRIER];
                    s[Constants.P_CARRIER] = (byte) target;
                    switched = true;
                }
            }
            s[Constants.P_FALLBACK_ARMED] = switched ? (byte) 1 : (byte) 0;
            JCSystem.commitTransaction();
        } catch (TransactionException e) {
            if (JCSystem.getTransactionDepth() != 0) {
                JCSystem.abortTransaction();
            }
            status = Constants.V1_STATUS_NACK;
            switched = false;
            wasArmed = false;
        }
        if (switched) {
            queueReattach();
        }
        out.queueResult(rx, cmdOff, status, v2);
        if (switched) {
            pro.push(Constants.Q_TIMER_START);
        } else if (wasArmed) {
            pro.push(Constants.Q_TIMER_STOP);
        }
    }

    private void queueReattach() {
        if (ram[Constants.R_CHANNEL] != 0) {
            pro.push(Constants.Q_CLOSE);
        }
        pro.push(Constants.Q_REFRESH);
    }

    /** The fallback timer expired before an acknowledgement: back to the previous carrier. */
    void fallbackExpired() {
        byte[] s = store.state;
        if (s[Constants.P_FALLBACK_ARMED] == 0) {
            return;
        }
        boolean v2 = !store.has(Constants.F_LEGACY);
        if (pro.free() < Constants.FALLBACK_QUEUE_ENTRIES || !out.hasRoom(v2 ? Constants.V2_COMMAND_PLAIN : Constants.V1_PACKET_SIZE)) {
            ISOException.throwIt(Constants.SW_TOOLKIT_BUSY);
        }
        JCSystem.beginTransaction();
        s[Constants.P_CARRIER] = s[Constants.P_PREVIOUS_CARRIER];
        s[Constants.P_FALLBACK_ARMED] = 0;
        JCSystem.commitTransaction();
        queueReattach();
        out.queueResult(rx, (short) 0, Constants.V1_STATUS_ACK, v2);
    }
}

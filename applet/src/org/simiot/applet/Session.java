package org.simiot.applet;

import javacard.framework.APDU;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.Util;

/**
 * The toolkit session's commands: TERMINAL PROFILE, FETCH, TERMINAL RESPONSE,
 * ENVELOPE, SUBMIT READINGS (readings to frames), REPORT CARRIER, GET UPLINK
 * ACK. The session's RAM is allocated here and shared with its parts: the
 * proactive queue ({@link Proactive}), the command builder, the outgoing frame
 * queue ({@link Outbox}) and the downlink.
 */
final class Session {
    private final Store store;
    private final Proactive pro;
    private final Outbox out;
    private final Downlink downlink;
    private final CommandBuilder builder;
    private final OpenFrame open;
    private final byte[] ram;
    private final byte[] tlvLength;

    Session(Store store, Crypto crypto) {
        this.store = store;
        ram = JCSystem.makeTransientByteArray(Constants.R_SIZE, JCSystem.CLEAR_ON_RESET);
        byte[] tx = JCSystem.makeTransientByteArray(Constants.TX_SIZE, JCSystem.CLEAR_ON_RESET);
        byte[] rx = JCSystem.makeTransientByteArray(Constants.RX_SIZE, JCSystem.CLEAR_ON_RESET);
        tlvLength = JCSystem.makeTransientByteArray((short) 1, JCSystem.CLEAR_ON_RESET);
        pro = new Proactive(ram, JCSystem.makeTransientByteArray(Constants.PROACTIVE_SIZE, JCSystem.CLEAR_ON_RESET));
        out = new Outbox(store, crypto, pro, ram, tx);
        downlink = new Downlink(store, crypto, pro, out, ram, rx, tlvLength);
        builder = new CommandBuilder(store, pro, out, downlink, ram);
        open = new OpenFrame(out, pro, ram);
    }

    // ================================================================ commands

    void terminalProfile(APDU apdu) {
        byte[] buf = apdu.getBuffer();
        short lc = apdu.setIncomingAndReceive();
        if (lc == 0) {
            ISOException.throwIt(ISO7816.SW_WRONG_LENGTH);
        }
        boolean bip = lc > Constants.PROFILE_TRANSPORT_BYTE
                && (byte) (buf[(short) (ISO7816.OFFSET_CDATA + Constants.PROFILE_BIP_BYTE)] & Constants.PROFILE_BIP_BITS) == Constants.PROFILE_BIP_BITS
                && (byte) (buf[(short) (ISO7816.OFFSET_CDATA + Constants.PROFILE_TRANSPORT_BYTE)] & Constants.PROFILE_UDP_BIT) != 0;
        if (!bip || !store.has(Constants.F_LOCKED)) {
            resetSession();
            return; // no session: the card stays a plain card for this terminal
        }
        // A terminal may send its profile again after a REFRESH: the outstanding
        // command is gone, the old channel is closed first (the terminal may still
        // hold it), and frames still waiting (a command result above all) are sent
        // on the new channel rather than lost.
        pro.clear();
        downlink.reset();
        Util.setShort(ram, Constants.R_TX_SENT, (short) 0);
        ram[Constants.R_SESSION] = 1;
        if (ram[Constants.R_CHANNEL] != 0) {
            pro.push(Constants.Q_CLOSE);
        }
        // A terminal only reports the events in the card's current event list (TS 102 223 6.4.16).
        pro.push(Constants.Q_EVENT_LIST);
        pro.push(Constants.Q_OPEN);
        if (store.state[Constants.P_FALLBACK_ARMED] != 0) {
            pro.push(Constants.Q_TIMER_START); // the terminal lost its timer with the reset
        }
        short frames = out.frames();
        for (short i = 0; i < frames; i++) {
            if (!pro.push(Constants.Q_SEND)) {
                out.dropFrom(i);
                break;
            }
        }
        announce();
    }

    void fetch(APDU apdu) {
        requireSession();
        if (ram[Constants.R_OUT_STATE] == Constants.OUT_NONE) {
            builder.prepareNext();
        }
        if (ram[Constants.R_OUT_STATE] == Constants.OUT_NONE) {
            ISOException.throwIt(ISO7816.SW_CONDITIONS_NOT_SATISFIED);
        }
        short len = pro.outstandingLength();
        short le = apdu.setOutgoing();
        if (le < len) {
            ISOException.throwIt((short) (ISO7816.SW_CORRECT_LENGTH_00 | len));
        }
        apdu.setOutgoingLength(len);
        apdu.sendBytesLong(pro.buffer(), (short) 0, len);
        ram[Constants.R_OUT_STATE] = Constants.OUT_FETCHED;
    }

    void terminalResponse(APDU apdu) {
        requireSession();
        byte[] buf = apdu.getBuffer();
        short lc = apdu.setIncomingAndReceive();
        if (lc == 0) {
            ISOException.throwIt(ISO7816.SW_WRONG_LENGTH);
        }
        if (ram[Constants.R_OUT_STATE] != Constants.OUT_FETCHED) {
            ISOException.throwIt(ISO7816.SW_CONDITIONS_NOT_SATISFIED);
        }
        short off = ISO7816.OFFSET_CDATA;
        short d = Proactive.find(buf, off, lc, Constants.TAG_COMMAND_DETAILS, tlvLength, (short) 0);
        short cd = pro.commandDetailsOffset();
        byte[] cmd = pro.buffer();
        if (d < 0 || tlvLength[0] != 3 || buf[d] != cmd[cd] || buf[(short) (d + 1)] != cmd[(short) (cd + 1)]) {
            ISOException.throwIt(ISO7816.SW_WRONG_DATA);
        }
        short r = Proactive.find(buf, off, lc, Constants.TAG_RESULT, tlvLength, (short) 0);
        if (r < 0 || tlvLength[0] < 1) {
            ISOException.throwIt(ISO7816.SW_WRONG_DATA);
        }
        byte result = buf[r];
        byte cause = tlvLength[0] > 1 ? buf[(short) (r + 1)] : 0;
        boolean ok = (short) (result & 0xFF) <= Constants.RESULT_SUCCESS_MAX;
        byte kind = ram[Constants.R_OUT_KIND];
        ram[Constants.R_OUT_STATE] = Constants.OUT_NONE;
        switch (kind) {
            case Constants.Q_OPEN:
                short cs = Proactive.find(buf, off, lc, Constants.TAG_CHANNEL_STATUS, tlvLength, (short) 0);
                byte id = (cs >= 0 && tlvLength[0] == 2) ? (byte) (buf[cs] & Constants.CHANNEL_ID_MASK) : 0;
                if (ok && id != 0) {
                    ram[Constants.R_CHANNEL] = id;
                } else {
                    ram[Constants.R_CHANNEL] = 0;
                    out.dropAll();
                }
                if (ram[Constants.R_OUT_IMPLICIT] == 0) {
                    pro.pop();
                }
                break;
            case Constants.Q_SEND:
                out.sendDone(ok, result, cause);
                break;
            case Constants.Q_RECEIVE:
                pro.pop();
                downlink.receiveDone(ok, buf, off, lc);
                break;
            case Constants.Q_CLOSE:
                ram[Constants.R_CHANNEL] = 0;
                pro.pop();
                break;
            default:
                pro.pop();
                break;
        }
        announce();
    }

    void envelope(APDU apdu) {
        requireSession();
        byte[] buf = apdu.getBuffer();
        short lc = apdu.setIncomingAndReceive();
        if (lc < 2) {
            ISOException.throwIt(ISO7816.SW_WRONG_LENGTH);
        }
        byte tag = buf[ISO7816.OFFSET_CDATA];
        short len = (short) (buf[(short) (ISO7816.OFFSET_CDATA + 1)] & 0xFF);
        short v = (short) (ISO7816.OFFSET_CDATA + 2);
        if (len == 0x81) {
            len = (short) (buf[v] & 0xFF);
            v++;
        } else if (len > 0x7F) {
            ISOException.throwIt(ISO7816.SW_WRONG_DATA);
        }
        if ((short) (v + len) != (short) (ISO7816.OFFSET_CDATA + lc)) {
            ISOException.throwIt(ISO7816.SW_WRONG_LENGTH);
        }
        if (tag == Constants.TAG_EVENT_DOWNLOAD) {
            short ev = Proactive.find(buf, v, len, Constants.TAG_EVENT_LIST, tlvLength, (short) 0);
            short cs = Proactive.find(buf, v, len, Constants.TAG_CHANNEL_STATUS, tlvLength, (short) 0);
            if (ev < 0 || cs < 0 || tlvLength[0] != 2) {
                ISOException.throwIt(ISO7816.SW_WRONG_DATA);
            }
            byte id = (byte) (buf[cs] & Constants.CHANNEL_ID_MASK);
            if (buf[ev] == Constants.EVENT_DATA_AVAILABLE) {
                downlink.dataAvailable(buf, v, len, id);
            } else if (buf[ev] == Constants.EVENT_CHANNEL_STATUS) {
                if (id == ram[Constants.R_CHANNEL] && (byte) (buf[cs] & Constants.CHANNEL_LINK_UP) == 0) {
                    ram[Constants.R_CHANNEL] = 0; // link dropped: the next SEND reopens it
                }
            } else {
                ISOException.throwIt(ISO7816.SW_WRONG_DATA);
            }
        } else if (tag == Constants.TAG_TIMER_EXPIRATION) {
            short t = Proactive.find(buf, v, len, Constants.TAG_TIMER_ID, tlvLength, (short) 0);
            if (t < 0 || tlvLength[0] != 1) {
                ISOException.throwIt(ISO7816.SW_WRONG_DATA);
            }
            if (buf[t] == Constants.FALLBACK_TIMER_ID) {
                downlink.fallbackExpired();
            }
        } else {
            ISOException.throwIt(ISO7816.SW_WRONG_DATA);
        }
        announce();
    }

    void submit(APDU apdu) {
        byte[] buf = apdu.getBuffer();
        short lc = apdu.setIncomingAndReceive();
        requireSession();
        boolean legacy = store.has(Constants.F_LEGACY);
        if (!open.canSeal()) {
            ISOException.throwIt(ISO7816.SW_FILE_FULL);
        }
        open.seal(); // readings leave in the order they came
        short count = 0;
        short off = ISO7816.OFFSET_CDATA;
        short end = (short) (off + lc);
        short legacyBytes = 0;
        while (off < end) {
            if ((short) (off + Constants.READING_HEADER) > end
                    || (byte) (buf[(short) (off + Constants.READING_OFF_DTS)] & Constants.DTS_US_MASK) != Constants.DTS_US_PREFIX) {
                ISOException.throwIt(ISO7816.SW_WRONG_DATA);
            }
            short n = (short) (Constants.READING_HEADER + (short) (buf[(short) (off + Constants.READING_OFF_LENGTH)] & 0xFF));
            if ((short) (off + n) > end) {
                ISOException.throwIt(ISO7816.SW_WRONG_DATA);
            }
            legacyBytes = (short) (legacyBytes + Constants.LEGACY_FRAME_OVERHEAD + n);
            off = (short) (off + n);
            count++;
        }
        short need;
        short entries;
        if (legacy) {
            if (count == 0) {
                ISOException.throwIt(ISO7816.SW_WRONG_LENGTH); // v1 has no empty keepalive
            }
            need = legacyBytes;
            entries = count;
        } else {
            need = (short) (Constants.FRAME_PREFIX + Constants.V2_OVERHEAD + lc + count);
            entries = 1;
        }
        if (need > (short) (Constants.TX_SIZE - out.used()) || entries > pro.free()) {
            ISOException.throwIt(ISO7816.SW_FILE_FULL);
        }
        byte[] tx = out.buffer();
        off = ISO7816.OFFSET_CDATA;
        short p = (short) (out.used() + Constants.FRAME_PREFIX + (legacy ? 0 : Constants.V2_HEADER));
        short start = p;
        while (off < end) {
            short n = (short) (Constants.READING_HEADER + (short) (buf[(short) (off + Constants.READING_OFF_LENGTH)] & 0xFF));
            if (legacy) {
                p = (short) (out.used() + Constants.FRAME_PREFIX);
                start = p;
            }
            tx[p++] = Constants.V1_IOT_DATA;
            p = Util.arrayCopyNonAtomic(buf, off, tx, p, n);
            off = (short) (off + n);
            if (legacy) {
                out.commit((short) (p - start));
            }
        }
        if (!legacy) {
            out.seal(Constants.KIND_UPLINK_DATA, (short) (p - start));
        }
        announce();
    }

    /** SUBMIT COMPACT: compact reading blocks into the v3 frame being filled (P1: OpenFrame). */
    void submitCompact(APDU apdu) {
        byte[] buf = apdu.getBuffer();
        if ((byte) (buf[ISO7816.OFFSET_P1] & (byte) ~(Constants.P1_SEAL | Constants.P1_NEW_FRAME)) != 0 || buf[ISO7816.OFFSET_P2] != 0) {
            ISOException.throwIt(ISO7816.SW_INCORRECT_P1P2);
        }
        short lc = apdu.setIncomingAndReceive();
        requireSession();
        if (store.has(Constants.F_LEGACY)) {
            ISOException.throwIt(ISO7816.SW_CONDITIONS_NOT_SATISFIED); // a v1 gateway cannot read v3 frames
        }
        open.submit(buf, ISO7816.OFFSET_CDATA, lc, buf[ISO7816.OFFSET_P1]);
        announce();
    }

    /**
     * Queues an unsolicited carrier report (a command-result with command id 0), so the
     * cloud learns the carrier when a terminal starts, not only after a switch. v2 only:
     * a bare v1 ACK would answer whatever command a legacy gateway has in flight.
     */
    void reportCarrier() {
        requireSession();
        if (store.has(Constants.F_LEGACY)) {
            ISOException.throwIt(ISO7816.SW_CONDITIONS_NOT_SATISFIED);
        }
        if (!out.hasRoom(Constants.V2_COMMAND_PLAIN)) {
            ISOException.throwIt(ISO7816.SW_FILE_FULL);
        }
        out.queueResult(null, (short) 0, Constants.V1_STATUS_ACK, true);
        announce();
    }

    void getAck(APDU apdu) {
        if (ram[Constants.R_ACK_VALID] == 0) {
            ISOException.throwIt(Constants.SW_REFERENCED_DATA_NOT_FOUND);
        }
        byte[] buf = apdu.getBuffer();
        short le = apdu.setOutgoing();
        if (le < Constants.ACK_SIZE) {
            ISOException.throwIt((short) (ISO7816.SW_CORRECT_LENGTH_00 | Constants.ACK_SIZE));
        }
        Util.arrayCopyNonAtomic(ram, Constants.R_ACK, buf, (short) 0, Constants.ACK_SIZE);
        ram[Constants.R_ACK_VALID] = 0;
        apdu.setOutgoingLength(Constants.ACK_SIZE);
        apdu.sendBytes((short) 0, Constants.ACK_SIZE);
    }

    /** Writes the session part of the status record (counters, sequences, toolkit state). */
    void status(byte[] record) {
        out.peekSequence(record, Constants.S_SEQUENCE);
        Util.arrayCopyNonAtomic(store.state, Constants.P_RX_HIGHEST, record, Constants.S_RX_HIGHEST, (short) 4);
        Util.arrayCopyNonAtomic(ram, Constants.R_COUNT_BAD_MAC, record, Constants.S_COUNTERS, Constants.COUNTERS_SIZE);
        record[Constants.S_SESSION] = ram[Constants.R_SESSION];
        record[Constants.S_CHANNEL] = ram[Constants.R_CHANNEL];
        record[Constants.S_QUEUE_COUNT] = ram[Constants.R_QUEUE_COUNT];
        record[Constants.S_PENDING] = ram[Constants.R_OUT_STATE] == Constants.OUT_READY ? (byte) pro.outstandingLength() : 0;
    }

    void resetSession() {
        open.discard();
        out.dropAll();
        pro.clear();
        ram[Constants.R_SESSION] = 0;
        ram[Constants.R_CHANNEL] = 0;
        downlink.reset();
    }

    // ================================================================ proactive plumbing

    private void requireSession() {
        if (ram[Constants.R_SESSION] == 0) {
            ISOException.throwIt(ISO7816.SW_CONDITIONS_NOT_SATISFIED);
        }
    }

    /** Ends the command with 91xx when a proactive command waits to be fetched. */
    private void announce() {
        if (ram[Constants.R_OUT_STATE] == Constants.OUT_NONE) {
            builder.prepareNext();
        }
        if (ram[Constants.R_OUT_STATE] == Constants.OUT_READY) {
            ISOException.throwIt((short) (Constants.SW_PROACTIVE_PENDING | pro.outstandingLength()));
        }
    }
}

package org.simiot.applet;

import javacard.framework.APDU;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.TransactionException;
import javacard.framework.Util;

/**
 * The toolkit session: TERMINAL PROFILE, FETCH, TERMINAL RESPONSE, ENVELOPE,
 * the uplink (readings to frames to SEND DATA) and the downlink (data
 * available to RECEIVE DATA to a verified command or acknowledgement).
 */
final class Session {
    private final Store store;
    private final Crypto crypto;
    private final Proactive pro;
    private final byte[] ram;
    private final byte[] tx;
    private final byte[] rx;
    private final byte[] tlvLength;

    Session(Store store, Crypto crypto) {
        this.store = store;
        this.crypto = crypto;
        ram = JCSystem.makeTransientByteArray(Constants.R_SIZE, JCSystem.CLEAR_ON_RESET);
        tx = JCSystem.makeTransientByteArray(Constants.TX_SIZE, JCSystem.CLEAR_ON_RESET);
        rx = JCSystem.makeTransientByteArray(Constants.RX_SIZE, JCSystem.CLEAR_ON_RESET);
        tlvLength = JCSystem.makeTransientByteArray((short) 1, JCSystem.CLEAR_ON_RESET);
        pro = new Proactive(ram, JCSystem.makeTransientByteArray(Constants.PROACTIVE_SIZE, JCSystem.CLEAR_ON_RESET));
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
        resetRx();
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
        short frames = txFrames();
        for (short i = 0; i < frames; i++) {
            if (!pro.push(Constants.Q_SEND)) {
                dropFramesFrom(i);
                break;
            }
        }
        announce();
    }

    void fetch(APDU apdu) {
        requireSession();
        if (ram[Constants.R_OUT_STATE] == Constants.OUT_NONE) {
            prepareNext();
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
                    dropAllFrames();
                }
                if (ram[Constants.R_OUT_IMPLICIT] == 0) {
                    pro.pop();
                }
                break;
            case Constants.Q_SEND:
                sendDone(ok, result, cause);
                break;
            case Constants.Q_RECEIVE:
                pro.pop();
                receiveDone(ok, buf, off, lc);
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
                dataAvailable(buf, v, len, id);
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
                fallbackExpired();
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
        short count = 0;
        short off = ISO7816.OFFSET_CDATA;
        short end = (short) (off + lc);
        short legacyBytes = 0;
        while (off < end) {
            if ((short) (off + Constants.READING_HEADER) > end
                    || (byte) (buf[(short) (off + 4)] & Constants.DTS_US_MASK) != Constants.DTS_US_PREFIX) {
                ISOException.throwIt(ISO7816.SW_WRONG_DATA);
            }
            short n = (short) (Constants.READING_HEADER + (short) (buf[(short) (off + 12)] & 0xFF));
            if ((short) (off + n) > end) {
                ISOException.throwIt(ISO7816.SW_WRONG_DATA);
            }
            legacyBytes = (short) (legacyBytes + 3 + n); // FIFO length prefix, v1 flow byte
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
            need = (short) (2 + Constants.V2_OVERHEAD + lc + count);
            entries = 1;
        }
        if (need > (short) (Constants.TX_SIZE - txUsed()) || entries > pro.free()) {
            ISOException.throwIt(ISO7816.SW_FILE_FULL);
        }
        off = ISO7816.OFFSET_CDATA;
        short p = (short) (txUsed() + 2 + (legacy ? 0 : Constants.V2_HEADER));
        short start = p;
        while (off < end) {
            short n = (short) (Constants.READING_HEADER + (short) (buf[(short) (off + 12)] & 0xFF));
            if (legacy) {
                p = (short) (txUsed() + 2);
                start = p;
            }
            tx[p++] = Constants.V1_IOT_DATA;
            p = Util.arrayCopyNonAtomic(buf, off, tx, p, n);
            off = (short) (off + n);
            if (legacy) {
                commitFrame((short) (p - start));
            }
        }
        if (!legacy) {
            sealAndCommit(Constants.KIND_UPLINK_DATA, (short) (p - start));
        }
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
        if (!hasRoom((short) 6)) {
            ISOException.throwIt(ISO7816.SW_FILE_FULL);
        }
        queueResult((short) 0, Constants.V1_STATUS_ACK, true);
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
    void status(byte[] out) {
        nextSequencePeek(out, (short) 14);
        Util.arrayCopyNonAtomic(store.state, Constants.P_RX_HIGHEST, out, (short) 18, (short) 4);
        Util.arrayCopyNonAtomic(ram, Constants.R_COUNT_BAD_MAC, out, (short) 22, (short) 10);
        out[32] = ram[Constants.R_SESSION];
        out[33] = ram[Constants.R_CHANNEL];
        out[34] = ram[Constants.R_QUEUE_COUNT];
        out[35] = ram[Constants.R_OUT_STATE] == Constants.OUT_READY ? (byte) pro.outstandingLength() : 0;
    }

    void resetSession() {
        dropAllFrames();
        pro.clear();
        ram[Constants.R_SESSION] = 0;
        ram[Constants.R_CHANNEL] = 0;
        resetRx();
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
            prepareNext();
        }
        if (ram[Constants.R_OUT_STATE] == Constants.OUT_READY) {
            ISOException.throwIt((short) (Constants.SW_PROACTIVE_PENDING | pro.outstandingLength()));
        }
    }

    private void prepareNext() {
        while (pro.queued() > 0) {
            byte head = pro.head();
            byte channel = ram[Constants.R_CHANNEL];
            if (head == Constants.Q_OPEN) {
                if (channel != 0) {
                    pro.pop();
                    continue;
                }
                buildOpen(false);
            } else if (head == Constants.Q_SEND) {
                if (txUsed() == 0) {
                    pro.pop();
                    continue;
                }
                if (channel == 0) {
                    buildOpen(true);
                } else {
                    buildSend(channel);
                }
            } else if (head == Constants.Q_RECEIVE) {
                if (channel == 0) {
                    pro.pop();
                    resetRx();
                    continue;
                }
                short o = pro.begin(Constants.CMD_RECEIVE_DATA, (byte) 0, (byte) (Constants.DEV_CHANNEL_BASE | channel));
                o = pro.tagLength(o, (byte) (Constants.TAG_CHANNEL_DATA_LENGTH | Constants.CR), (short) 1);
                pro.buffer()[o++] = (byte) Constants.MAX_CHUNK;
                pro.finish(o, Constants.Q_RECEIVE, false);
            } else if (head == Constants.Q_CLOSE) {
                if (channel == 0) {
                    pro.pop();
                    continue;
                }
                short o = pro.begin(Constants.CMD_CLOSE_CHANNEL, (byte) 0, (byte) (Constants.DEV_CHANNEL_BASE | channel));
                pro.finish(o, Constants.Q_CLOSE, false);
            } else if (head == Constants.Q_REFRESH) {
                short o = pro.begin(Constants.CMD_REFRESH, Constants.QUAL_REFRESH_NAA_INIT, Constants.DEV_TERMINAL);
                pro.finish(o, Constants.Q_REFRESH, false);
            } else if (head == Constants.Q_EVENT_LIST) {
                byte[] c = pro.buffer();
                short o = pro.begin(Constants.CMD_SET_UP_EVENT_LIST, (byte) 0, Constants.DEV_TERMINAL);
                o = pro.tagLength(o, (byte) (Constants.TAG_EVENT_LIST | Constants.CR), (short) 2);
                c[o++] = Constants.EVENT_DATA_AVAILABLE;
                c[o++] = Constants.EVENT_CHANNEL_STATUS;
                pro.finish(o, Constants.Q_EVENT_LIST, false);
            } else if (head == Constants.Q_TIMER_START || head == Constants.Q_TIMER_STOP) {
                buildTimer(head == Constants.Q_TIMER_START);
            } else {
                pro.pop();
                continue;
            }
            return;
        }
    }

    private void buildOpen(boolean implicit) {
        byte[] c = pro.buffer();
        byte[] s = store.state;
        short o = pro.begin(Constants.CMD_OPEN_CHANNEL, Constants.QUAL_OPEN_IMMEDIATE, Constants.DEV_TERMINAL);
        c[o++] = Constants.TAG_BEARER;
        c[o++] = 1;
        c[o++] = Constants.BEARER_DEFAULT;
        c[o++] = Constants.TAG_BUFFER_SIZE;
        c[o++] = 2;
        o = Util.setShort(c, o, Constants.BUFFER_SIZE);
        c[o++] = Constants.TAG_TRANSPORT_LEVEL;
        c[o++] = 3;
        c[o++] = Constants.TRANSPORT_UDP_CLIENT_REMOTE;
        o = Util.arrayCopyNonAtomic(s, (short) (Constants.P_ENDPOINT + Constants.ENDPOINT_PORT), c, o, (short) 2);
        byte type = s[Constants.P_ENDPOINT];
        short alen = type == Constants.ADDRESS_IPV4 ? (short) 4 : (short) 16;
        c[o++] = Constants.TAG_OTHER_ADDRESS;
        c[o++] = (byte) (alen + 1);
        c[o++] = type;
        o = Util.arrayCopyNonAtomic(s, (short) (Constants.P_ENDPOINT + 1), c, o, alen);
        pro.finish(o, Constants.Q_OPEN, implicit);
    }

    private void buildSend(byte channel) {
        short frameLen = Util.getShort(tx, (short) 0);
        short sent = Util.getShort(ram, Constants.R_TX_SENT);
        short rest = (short) (frameLen - sent);
        short chunk = rest > Constants.MAX_CHUNK ? Constants.MAX_CHUNK : rest;
        byte qualifier = chunk == rest ? Constants.QUAL_SEND_IMMEDIATE : Constants.QUAL_SEND_STORE;
        short o = pro.begin(Constants.CMD_SEND_DATA, qualifier, (byte) (Constants.DEV_CHANNEL_BASE | channel));
        o = pro.tagLength(o, (byte) (Constants.TAG_CHANNEL_DATA | Constants.CR), chunk);
        o = Util.arrayCopyNonAtomic(tx, (short) (2 + sent), pro.buffer(), o, chunk);
        Util.setShort(ram, Constants.R_OUT_CHUNK, chunk);
        pro.finish(o, Constants.Q_SEND, false);
    }

    private void buildTimer(boolean start) {
        byte[] c = pro.buffer();
        short o = pro.begin(Constants.CMD_TIMER_MANAGEMENT,
                start ? Constants.QUAL_TIMER_START : Constants.QUAL_TIMER_DEACTIVATE, Constants.DEV_TERMINAL);
        c[o++] = (byte) (Constants.TAG_TIMER_ID | Constants.CR);
        c[o++] = 1;
        c[o++] = Constants.FALLBACK_TIMER_ID;
        if (start) {
            short secs = Util.getShort(store.state, Constants.P_FALLBACK_SECONDS);
            c[o++] = (byte) (Constants.TAG_TIMER_VALUE | Constants.CR);
            c[o++] = 3;
            c[o++] = swappedBcd((short) (secs / 3600));
            c[o++] = swappedBcd((short) ((short) (secs % 3600) / 60));
            c[o++] = swappedBcd((short) (secs % 60));
        }
        pro.finish(o, start ? Constants.Q_TIMER_START : Constants.Q_TIMER_STOP, false);
    }

    /** Semi-octet (swapped-nibble BCD) digits, as TS 102 223 codes the timer value. */
    private static byte swappedBcd(short v) {
        return (byte) ((short) ((short) (v % 10) << 4) | (short) (v / 10));
    }

    private void sendDone(boolean ok, byte result, byte cause) {
        if (ok) {
            short sent = (short) (Util.getShort(ram, Constants.R_TX_SENT) + Util.getShort(ram, Constants.R_OUT_CHUNK));
            Util.setShort(ram, Constants.R_TX_SENT, sent);
            if (sent < Util.getShort(tx, (short) 0)) {
                return; // more chunks of the same frame follow
            }
            removeHeadFrame();
            count(Constants.R_COUNT_SENT);
        } else {
            removeHeadFrame();
            count(Constants.R_COUNT_DROPPED);
            if (result == Constants.RESULT_BIP_ERROR
                    && (cause == Constants.BIP_CHANNEL_CLOSED || cause == Constants.BIP_CHANNEL_ID_INVALID)) {
                ram[Constants.R_CHANNEL] = 0;
            }
        }
        pro.pop();
    }

    /**
     * UDP keeps datagram boundaries, the channel's Rx buffer does not say where
     * they are: a terminal never returns bytes of two datagrams in one RECEIVE
     * DATA, so an answer shorter than asked ends a datagram, and so does one
     * that leaves nothing behind. The card always asks for a full chunk.
     */
    private void receiveDone(boolean ok, byte[] buf, short off, short lc) {
        if (!ok) {
            resetRx();
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
        resetRx();
        if (n > 0 && remaining > 0) {
            pro.pushFront(Constants.Q_RECEIVE); // another datagram waits in the terminal
        }
    }

    private void dataAvailable(byte[] buf, short v, short len, byte id) {
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
        resetRx();
        pro.push(Constants.Q_RECEIVE);
    }

    // ================================================================ frame FIFO

    private short txUsed() {
        return Util.getShort(ram, Constants.R_TX_USED);
    }

    private void commitFrame(short len) {
        short used = txUsed();
        Util.setShort(tx, used, len);
        Util.setShort(ram, Constants.R_TX_USED, (short) (used + 2 + len));
        pro.push(Constants.Q_SEND);
    }

    private void removeHeadFrame() {
        short used = txUsed();
        if (used == 0) {
            return;
        }
        short first = (short) (2 + Util.getShort(tx, (short) 0));
        Util.arrayCopyNonAtomic(tx, first, tx, (short) 0, (short) (used - first));
        Util.setShort(ram, Constants.R_TX_USED, (short) (used - first));
        Util.setShort(ram, Constants.R_TX_SENT, (short) 0);
    }

    private short txFrames() {
        short used = txUsed();
        short n = 0;
        short p = 0;
        while (p < used) {
            p = (short) (p + 2 + Util.getShort(tx, p));
            n++;
        }
        return n;
    }

    /** Keeps the first keep frames of the FIFO and drops (counts) the others. */
    private void dropFramesFrom(short keep) {
        short used = txUsed();
        short p = 0;
        for (short i = 0; i < keep && p < used; i++) {
            p = (short) (p + 2 + Util.getShort(tx, p));
        }
        short dropped = (short) (txFrames() - keep);
        Util.setShort(ram, Constants.R_TX_USED, p);
        for (short i = 0; i < dropped; i++) {
            count(Constants.R_COUNT_DROPPED);
        }
    }

    private void dropAllFrames() {
        while (txUsed() > 0) {
            removeHeadFrame();
            count(Constants.R_COUNT_DROPPED);
        }
        pro.removeAll(Constants.Q_SEND);
    }

    private boolean hasRoom(short plainLen) {
        short need = (short) (2 + Constants.V2_OVERHEAD + plainLen);
        return need <= (short) (Constants.TX_SIZE - txUsed()) && pro.free() > 0;
    }

    /**
     * Seals the plaintext already written at the FIFO tail after room for the
     * header: header, CTR encryption with K_enc_up, 8-byte CMAC tag with K_mac_up.
     */
    private void sealAndCommit(byte kind, short plainLen) {
        short f = (short) (txUsed() + 2);
        tx[f] = Constants.V2_MAGIC;
        tx[(short) (f + Constants.V2_OFF_KIND)] = kind;
        Util.arrayCopyNonAtomic(store.state, Constants.P_MODEM_ID, tx, (short) (f + Constants.V2_OFF_MODEM_ID), Constants.MODEM_ID_SIZE);
        nextSequence(tx, (short) (f + Constants.V2_OFF_SEQUENCE));
        short body = (short) (f + Constants.V2_HEADER);
        crypto.ctr(store.encUp, tx, f, tx, body, plainLen);
        crypto.tag(store.macUp, tx, f, (short) (Constants.V2_HEADER + plainLen), tx, (short) (body + plainLen));
        commitFrame((short) (Constants.V2_OVERHEAD + plainLen));
    }

    // ================================================================ uplink sequence

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

    private void nextSequencePeek(byte[] out, short off) {
        if (ram[Constants.R_SEQ_LOADED] == 0) {
            Util.arrayCopyNonAtomic(store.state, Constants.P_SEQ_LIMIT, out, off, (short) 4);
        } else {
            Util.arrayCopyNonAtomic(ram, Constants.R_SEQ_NEXT, out, off, (short) 4);
        }
    }

    // ================================================================ downlink

    private void resetRx() {
        Util.setShort(ram, Constants.R_RX_LENGTH, (short) 0);
        ram[Constants.R_RX_OVERFLOW] = 0;
    }

    private void count(short off) {
        short v = Util.getShort(ram, off);
        if (v != Constants.COUNTER_MAX) {
            Util.setShort(ram, off, (short) (v + 1));
        }
    }

    /** A complete datagram is in rx: open it, verify it, act on it. Never throws. */
    private void processDatagram() {
        short len = Util.getShort(ram, Constants.R_RX_LENGTH);
        if (ram[Constants.R_RX_OVERFLOW] != 0) {
            count(Constants.R_COUNT_MALFORMED);
            return;
        }
        if (store.has(Constants.F_LEGACY)) {
            if (len != 2 || rx[0] != Constants.V1_PERFORM || (byte) (rx[1] & 0x0F) != 0
                    || !Store.carrierBit(Constants.CARRIER_VALID_MASK, (short) ((rx[1] >> 4) & 0x0F))) {
                count(Constants.R_COUNT_MALFORMED);
                return;
            }
            perform((short) 0, (short) ((rx[1] >> 4) & 0x0F), false);
            return;
        }
        if (len < Constants.V2_OVERHEAD || rx[0] != Constants.V2_MAGIC
                || Util.arrayCompare(rx, Constants.V2_OFF_MODEM_ID, store.state, Constants.P_MODEM_ID, Constants.MODEM_ID_SIZE) != 0) {
            count(Constants.R_COUNT_MALFORMED);
            return;
        }
        byte kind = rx[Constants.V2_OFF_KIND];
        if (kind != Constants.KIND_UPLINK_ACK && kind != Constants.KIND_DOWNLINK_COMMAND) {
            count(Constants.R_COUNT_MALFORMED);
            return;
        }
        short plainLen = (short) (len - Constants.V2_OVERHEAD);
        if (!crypto.verifyTag(store.macDown, rx, (short) 0, (short) (len - Constants.V2_TAG), rx, (short) (len - Constants.V2_TAG), Constants.V2_TAG)) {
            count(Constants.R_COUNT_BAD_MAC);
            return;
        }
        if (!fresh()) {
            count(Constants.R_COUNT_REPLAYED);
            return;
        }
        crypto.ctr(store.encDown, rx, (short) 0, rx, Constants.V2_HEADER, plainLen);
        short p = Constants.V2_HEADER;
        if (kind == Constants.KIND_UPLINK_ACK) {
            if (plainLen != Constants.ACK_SIZE) {
                count(Constants.R_COUNT_MALFORMED);
                return;
            }
            if (!ackPlausible(p)) {
                count(Constants.R_COUNT_MALFORMED);
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
        if (plainLen != 6 || U32.isZero(rx, p, (short) 4) || rx[(short) (p + 4)] != Constants.V1_PERFORM
                || (byte) (rx[(short) (p + 5)] & 0x0F) != 0
                || !Store.carrierBit(Constants.CARRIER_VALID_MASK, (short) ((rx[(short) (p + 5)] >> 4) & 0x0F))) {
            count(Constants.R_COUNT_MALFORMED);
            return;
        }
        perform(p, (short) ((rx[(short) (p + 5)] >> 4) & 0x0F), true);
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
        short resultPlain = v2 ? (short) 6 : (short) 2;
        if (pro.free() < 5 || !hasRoom(resultPlain)) {
            count(Constants.R_COUNT_DROPPED); // no room to answer: act on nothing, the cloud retries
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
        queueResult(cmdOff, status, v2);
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

    /** Builds the command-result (v2 kind 04, or a bare v1 ACK packet in legacy mode) and queues it. */
    private void queueResult(short cmdOff, byte status, boolean v2) {
        short p = (short) (txUsed() + 2);
        if (v2) {
            p = (short) (p + Constants.V2_HEADER);
            if (cmdOff == 0) {
                Util.arrayFillNonAtomic(tx, p, (short) 4, (byte) 0); // command id 0: unsolicited report
            } else {
                Util.arrayCopyNonAtomic(rx, cmdOff, tx, p, (short) 4);
            }
            p = (short) (p + 4);
        }
        tx[p++] = Constants.V1_ACK;
        tx[p] = (byte) ((byte) (status << 4) | (byte) (store.state[Constants.P_CARRIER] & 0x0F));
        if (v2) {
            sealAndCommit(Constants.KIND_COMMAND_RESULT, (short) 6);
        } else {
            commitFrame((short) 2);
        }
    }

    private void fallbackExpired() {
        byte[] s = store.state;
        if (s[Constants.P_FALLBACK_ARMED] == 0) {
            return;
        }
        boolean v2 = !store.has(Constants.F_LEGACY);
        if (pro.free() < 3 || !hasRoom(v2 ? (short) 6 : (short) 2)) {
            ISOException.throwIt(Constants.SW_TOOLKIT_BUSY);
        }
        JCSystem.beginTransaction();
        s[Constants.P_CARRIER] = s[Constants.P_PREVIOUS_CARRIER];
        s[Constants.P_FALLBACK_ARMED] = 0;
        JCSystem.commitTransaction();
        queueReattach();
        queueResult((short) 0, Constants.V1_STATUS_ACK, v2);
    }
}

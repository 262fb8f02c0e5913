package org.simiot.applet;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.Util;
import javacard.security.RandomData;

/**
 * SimIoT SIM applet (AID F0 53 49 4D 49 4F 54 01 00): builds and verifies the
 * v2 secure frames, drives the BIP channel through proactive commands, keeps
 * the carrier and its fallback. APDU interface: docs/applet.md.
 */
public final class SimIotApplet extends Applet {
    private final Store store;
    private final Crypto crypto;
    private final Session session;
    private final RandomData random;
    private final byte[] auth;

    private SimIotApplet(byte[] params, short paramsOff, byte paramsLen) {
        crypto = new Crypto();
        auth = JCSystem.makeTransientByteArray(Constants.A_SIZE, JCSystem.CLEAR_ON_DESELECT);
        store = new Store(params, paramsOff, paramsLen, auth);
        session = new Session(store, crypto);
        random = RandomData.getInstance(RandomData.ALG_SECURE_RANDOM);
    }

    /** Install parameters (application-specific part): empty, or a 16-byte admin key. */
    public static void install(byte[] bArray, short bOffset, byte bLength) {
        short aidLen = bArray[bOffset];
        short infoOff = (short) (bOffset + 1 + aidLen);
        short infoLen = bArray[infoOff];
        short paramsLenOff = (short) (infoOff + 1 + infoLen);
        byte paramsLen = bArray[paramsLenOff];
        SimIotApplet applet = new SimIotApplet(bArray, (short) (paramsLenOff + 1), paramsLen);
        applet.register(bArray, (short) (bOffset + 1), bArray[bOffset]);
    }

    public void process(APDU apdu) {
        byte[] buf = apdu.getBuffer();
        if (selectingApplet()) {
            return;
        }
        byte cla = buf[ISO7816.OFFSET_CLA];
        byte ins = buf[ISO7816.OFFSET_INS];
        if (cla == Constants.CLA_ISO) {
            switch (ins) {
                case Constants.INS_GET_CHALLENGE:
                    checkP1P2Zero(buf);
                    getChallenge(apdu);
                    return;
                case Constants.INS_EXTERNAL_AUTHENTICATE:
                    checkP1P2Zero(buf);
                    externalAuthenticate(apdu);
                    return;
                case Constants.INS_SELECT:
                    ISOException.throwIt(ISO7816.SW_FILE_NOT_FOUND);
                    return;
                default:
                    ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
            }
        }
        if (cla != Constants.CLA_PROPRIETARY) {
            ISOException.throwIt(ISO7816.SW_CLA_NOT_SUPPORTED);
        }
        if (ins == Constants.INS_PUT_DATA) {
            putData(apdu);
            return;
        }
        checkP1P2Zero(buf);
        switch (ins) {
            case Constants.INS_TERMINAL_PROFILE:
                session.terminalProfile(apdu);
                return;
            case Constants.INS_FETCH:
                session.fetch(apdu);
                return;
            case Constants.INS_TERMINAL_RESPONSE:
                session.terminalResponse(apdu);
                return;
            case Constants.INS_ENVELOPE:
                session.envelope(apdu);
                return;
            case Constants.INS_SUBMIT_READINGS:
                session.submit(apdu);
                return;
            case Constants.INS_REPORT_CARRIER:
                session.reportCarrier();
                return;
            case Constants.INS_GET_UPLINK_ACK:
                session.getAck(apdu);
                return;
            case Constants.INS_GET_STATUS:
                getStatus(apdu);
                return;
            default:
                ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
        }
    }

    private static void checkP1P2Zero(byte[] buf) {
        if (buf[ISO7816.OFFSET_P1] != 0 || buf[ISO7816.OFFSET_P2] != 0) {
            ISOException.throwIt(ISO7816.SW_INCORRECT_P1P2);
        }
    }

    // ---------------------------------------------------------------- admin authentication

    private void getChallenge(APDU apdu) {
        if (store.state[Constants.P_ADMIN_TRIES] == 0) {
            ISOException.throwIt(Constants.SW_AUTH_BLOCKED);
        }
        short le = apdu.setOutgoing();
        if (le < Constants.CHALLENGE_SIZE) {
            ISOException.throwIt((short) (ISO7816.SW_CORRECT_LENGTH_00 | Constants.CHALLENGE_SIZE));
        }
        random.generateData(auth, Constants.A_CHALLENGE, Constants.CHALLENGE_SIZE);
        auth[Constants.A_CHALLENGE_VALID] = 1;
        auth[Constants.A_AUTHENTICATED] = 0;
        apdu.setOutgoingLength(Constants.CHALLENGE_SIZE);
        apdu.sendBytesLong(auth, Constants.A_CHALLENGE, Constants.CHALLENGE_SIZE);
    }

    /**
     * Data = AES-128-ECB(admin key, challenge). The try counter is decremented
     * before the comparison, so cutting the power after a wrong guess cannot
     * save a try.
     */
    private void externalAuthenticate(APDU apdu) {
        byte[] buf = apdu.getBuffer();
        short lc = apdu.setIncomingAndReceive();
        byte[] s = store.state;
        if (lc != Constants.CHALLENGE_SIZE) {
            ISOException.throwIt(ISO7816.SW_WRONG_LENGTH);
        }
        if (s[Constants.P_ADMIN_TRIES] == 0) {
            ISOException.throwIt(Constants.SW_AUTH_BLOCKED);
        }
        if (auth[Constants.A_CHALLENGE_VALID] == 0) {
            ISOException.throwIt(ISO7816.SW_CONDITIONS_NOT_SATISFIED);
        }
        auth[Constants.A_CHALLENGE_VALID] = 0;
        byte tries = (byte) (s[Constants.P_ADMIN_TRIES] - 1);
        JCSystem.beginTransaction();
        s[Constants.P_ADMIN_TRIES] = tries;
        JCSystem.commitTransaction();
        crypto.encryptBlock(store.admin, auth, Constants.A_CHALLENGE, auth, Constants.A_CHALLENGE);
        byte diff = 0;
        for (short i = 0; i < Constants.CHALLENGE_SIZE; i++) {
            diff |= (byte) (auth[(short) (Constants.A_CHALLENGE + i)] ^ buf[(short) (ISO7816.OFFSET_CDATA + i)]);
        }
        Util.arrayFillNonAtomic(auth, Constants.A_CHALLENGE, Constants.CHALLENGE_SIZE, (byte) 0);
        if (diff != 0) {
            ISOException.throwIt((short) (Constants.SW_VERIFY_FAILED | tries));
        }
        JCSystem.beginTransaction();
        s[Constants.P_ADMIN_TRIES] = Constants.ADMIN_TRIES;
        JCSystem.commitTransaction();
        auth[Constants.A_AUTHENTICATED] = 1;
    }

    // ---------------------------------------------------------------- personalisation

    private void putData(APDU apdu) {
        byte[] buf = apdu.getBuffer();
        if (buf[ISO7816.OFFSET_P1] != 0) {
            ISOException.throwIt(ISO7816.SW_INCORRECT_P1P2);
        }
        byte object = buf[ISO7816.OFFSET_P2];
        short lc = apdu.setIncomingAndReceive();
        if (auth[Constants.A_AUTHENTICATED] == 0) {
            ISOException.throwIt(ISO7816.SW_SECURITY_STATUS_NOT_SATISFIED);
        }
        byte[] s = store.state;
        short d = ISO7816.OFFSET_CDATA;
        switch (object) {
            case Constants.DO_MODEM_ID:
                expectLength(lc, Constants.MODEM_ID_SIZE);
                if (store.has(Constants.F_LOCKED)) {
                    ISOException.throwIt(ISO7816.SW_CONDITIONS_NOT_SATISFIED); // identity is fixed once locked
                }
                JCSystem.beginTransaction();
                Util.arrayCopy(buf, d, s, Constants.P_MODEM_ID, Constants.MODEM_ID_SIZE);
                store.setFlag(Constants.F_MODEM_ID, true);
                store.deriveKeys(crypto);
                store.resetDownlinkWindow();
                JCSystem.commitTransaction();
                break;
            case Constants.DO_MASTER_KEY:
                expectLength(lc, Constants.KEY_SIZE);
                JCSystem.beginTransaction();
                store.master.setKey(buf, d);
                store.setFlag(Constants.F_MASTER_KEY, true);
                store.deriveKeys(crypto);
                store.resetDownlinkWindow();
                JCSystem.commitTransaction();
                break;
            case Constants.DO_ENDPOINT:
                putEndpoint(buf, d, lc);
                break;
            case Constants.DO_SUBSCRIPTIONS:
                expectLength(lc, (short) 2);
                short mask = Util.getShort(buf, d);
                if ((short) (mask & (short) ~Constants.CARRIER_VALID_MASK) != 0) {
                    ISOException.throwIt(ISO7816.SW_WRONG_DATA);
                }
                JCSystem.beginTransaction();
                Util.setShort(s, Constants.P_SUBSCRIPTIONS, mask);
                store.setFlag(Constants.F_SUBSCRIPTIONS, true);
                JCSystem.commitTransaction();
                break;
            case Constants.DO_CURRENT_CARRIER:
                expectLength(lc, (short) 1);
                short id = buf[d];
                if (id < 0 || id > 15 || !Store.carrierBit(Constants.CARRIER_VALID_MASK, id) || !store.subscribed(id)) {
                    ISOException.throwIt(ISO7816.SW_WRONG_DATA);
                }
                JCSystem.beginTransaction();
                s[Constants.P_CARRIER] = (byte) id;
                s[Constants.P_PREVIOUS_CARRIER] = (byte) id;
                s[Constants.P_FALLBACK_ARMED] = 0;
                JCSystem.commitTransaction();
                break;
            case Constants.DO_LEGACY_MODE:
                expectLength(lc, (short) 1);
                if (buf[d] != 0 && buf[d] != 1) {
                    ISOException.throwIt(ISO7816.SW_WRONG_DATA);
                }
                JCSystem.beginTransaction();
                store.setFlag(Constants.F_LEGACY, buf[d] == 1);
                JCSystem.commitTransaction();
                break;
            case Constants.DO_ADMIN_KEY:
                expectLength(lc, Constants.KEY_SIZE);
                JCSystem.beginTransaction();
                store.admin.setKey(buf, d);
                JCSystem.commitTransaction();
                break;
            case Constants.DO_FALLBACK_SECONDS:
                expectLength(lc, (short) 2);
                short secs = Util.getShort(buf, d);
                if (secs <= 0) {
                    ISOException.throwIt(ISO7816.SW_WRONG_DATA);
                }
                JCSystem.beginTransaction();
                Util.setShort(s, Constants.P_FALLBACK_SECONDS, secs);
                JCSystem.commitTransaction();
                break;
            case Constants.DO_LOCK:
                expectLength(lc, (short) 0);
                if ((byte) (s[Constants.P_FLAGS] & Constants.F_COMPLETE) != Constants.F_COMPLETE) {
                    ISOException.throwIt(ISO7816.SW_CONDITIONS_NOT_SATISFIED);
                }
                JCSystem.beginTransaction();
                store.setFlag(Constants.F_LOCKED, true);
                JCSystem.commitTransaction();
                break;
            default:
                ISOException.throwIt(ISO7816.SW_INCORRECT_P1P2);
        }
        // Any change of identity, keys or endpoint ends the running toolkit session.
        if (object != Constants.DO_LOCK && object != Constants.DO_FALLBACK_SECONDS) {
            session.resetSession();
        }
    }

    private void putEndpoint(byte[] buf, short d, short lc) {
        byte type = lc > 0 ? buf[d] : 0;
        short alen = 0;
        if (type == Constants.ADDRESS_IPV4) {
            alen = 4;
        } else if (type == Constants.ADDRESS_IPV6) {
            alen = 16;
        } else {
            ISOException.throwIt(lc == 0 ? ISO7816.SW_WRONG_LENGTH : ISO7816.SW_WRONG_DATA);
        }
        expectLength(lc, (short) (1 + alen + 2));
        if (Util.getShort(buf, (short) (d + 1 + alen)) == 0) {
            ISOException.throwIt(ISO7816.SW_WRONG_DATA);
        }
        // The whole record is laid out in the APDU buffer after the command data, then
        // written with one atomic copy inside the transaction that also sets the flag.
        short e = (short) (d + lc);
        Util.arrayFillNonAtomic(buf, e, Constants.ENDPOINT_SIZE, (byte) 0);
        Util.arrayCopyNonAtomic(buf, d, buf, e, (short) (1 + alen));
        Util.arrayCopyNonAtomic(buf, (short) (d + 1 + alen), buf, (short) (e + Constants.ENDPOINT_PORT), (short) 2);
        JCSystem.beginTransaction();
        Util.arrayCopy(buf, e, store.state, Constants.P_ENDPOINT, Constants.ENDPOINT_SIZE);
        store.setFlag(Constants.F_ENDPOINT, true);
        JCSystem.commitTransaction();
    }

    private static void expectLength(short lc, short expected) {
        if (lc != expected) {
            ISOException.throwIt(ISO7816.SW_WRONG_LENGTH);
        }
    }

    // ---------------------------------------------------------------- status

    private void getStatus(APDU apdu) {
        byte[] buf = apdu.getBuffer();
        byte[] s = store.state;
        Util.arrayFillNonAtomic(buf, (short) 0, Constants.STATUS_SIZE, (byte) 0);
        buf[0] = Constants.STATUS_VERSION;
        byte flags = (byte) (s[Constants.P_FLAGS] & (byte) 0x3F);
        if (auth[Constants.A_AUTHENTICATED] != 0) {
            flags |= Constants.F_ADMIN_AUTHENTICATED;
        }
        if (s[Constants.P_FALLBACK_ARMED] != 0) {
            flags |= Constants.F_FALLBACK_ARMED;
        }
        buf[1] = flags;
        Util.arrayCopyNonAtomic(s, Constants.P_MODEM_ID, buf, (short) 2, Constants.MODEM_ID_SIZE);
        buf[10] = s[Constants.P_CARRIER];
        buf[11] = s[Constants.P_PREVIOUS_CARRIER];
        Util.arrayCopyNonAtomic(s, Constants.P_SUBSCRIPTIONS, buf, (short) 12, (short) 2);
        session.status(buf);
        Util.arrayCopyNonAtomic(s, Constants.P_FALLBACK_SECONDS, buf, (short) 36, (short) 2);
        buf[38] = s[Constants.P_ADMIN_TRIES];
        Util.arrayCopyNonAtomic(s, Constants.P_ENDPOINT, buf, (short) 39, Constants.ENDPOINT_SIZE);
        short le = apdu.setOutgoing();
        if (le < Constants.STATUS_SIZE) {
            ISOException.throwIt((short) (ISO7816.SW_CORRECT_LENGTH_00 | Constants.STATUS_SIZE));
        }
        apdu.setOutgoingLength(Constants.STATUS_SIZE);
        apdu.sendBytes((short) 0, Constants.STATUS_SIZE);
    }
}

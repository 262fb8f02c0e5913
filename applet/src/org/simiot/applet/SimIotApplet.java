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
    private final Personalisation personalisation;
    private final RandomData random;
    private final byte[] auth;

    private SimIotApplet(byte[] params, short paramsOff, byte paramsLen) {
        crypto = new Crypto();
        auth = JCSystem.makeTransientByteArray(Constants.A_SIZE, JCSystem.CLEAR_ON_DESELECT);
        store = new Store(params, paramsOff, paramsLen, auth);
        session = new Session(store, crypto);
        personalisation = new Personalisation(store, crypto, session, auth);
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
            personalisation.putData(apdu);
            return;
        }
        if (ins == Constants.INS_SUBMIT_COMPACT) {
            session.submitCompact(apdu); // P1 carries its flags
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

    // ---------------------------------------------------------------- status

    private void getStatus(APDU apdu) {
        byte[] buf = apdu.getBuffer();
        byte[] s = store.state;
        Util.arrayFillNonAtomic(buf, (short) 0, Constants.STATUS_SIZE, (byte) 0);
        buf[Constants.S_VERSION] = Constants.STATUS_VERSION;
        byte flags = (byte) (s[Constants.P_FLAGS] & Constants.F_STORED);
        if (auth[Constants.A_AUTHENTICATED] != 0) {
            flags |= Constants.F_ADMIN_AUTHENTICATED;
        }
        if (s[Constants.P_FALLBACK_ARMED] != 0) {
            flags |= Constants.F_FALLBACK_ARMED;
        }
        buf[Constants.S_FLAGS] = flags;
        Util.arrayCopyNonAtomic(s, Constants.P_MODEM_ID, buf, Constants.S_MODEM_ID, Constants.MODEM_ID_SIZE);
        buf[Constants.S_CARRIER] = s[Constants.P_CARRIER];
        buf[Constants.S_PREVIOUS_CARRIER] = s[Constants.P_PREVIOUS_CARRIER];
        Util.arrayCopyNonAtomic(s, Constants.P_SUBSCRIPTIONS, buf, Constants.S_SUBSCRIPTIONS, (short) 2);
        session.status(buf);
        Util.arrayCopyNonAtomic(s, Constants.P_FALLBACK_SECONDS, buf, Constants.S_FALLBACK_SECONDS, (short) 2);
        buf[Constants.S_ADMIN_TRIES] = s[Constants.P_ADMIN_TRIES];
        Util.arrayCopyNonAtomic(s, Constants.P_ENDPOINT, buf, Constants.S_ENDPOINT, Constants.ENDPOINT_SIZE);
        short le = apdu.setOutgoing();
        if (le < Constants.STATUS_SIZE) {
            ISOException.throwIt((short) (ISO7816.SW_CORRECT_LENGTH_00 | Constants.STATUS_SIZE));
        }
        apdu.setOutgoingLength(Constants.STATUS_SIZE);
        apdu.sendBytes((short) 0, Constants.STATUS_SIZE);
    }
}

package org.simiot.applet;

import javacard.framework.APDU;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.Util;

/**
 * PUT DATA (admin authenticated): one data object per command, each written in
 * one transaction. Any change of identity, keys or endpoint ends the running
 * toolkit session.
 */
final class Personalisation {
    private final Store store;
    private final Crypto crypto;
    private final Session session;
    private final byte[] auth;

    Personalisation(Store store, Crypto crypto, Session session, byte[] auth) {
        this.store = store;
        this.crypto = crypto;
        this.session = session;
        this.auth = auth;
    }

    void putData(APDU apdu) {
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
                if (id < 0 || id > Constants.CARRIER_MAX || !Store.carrierBit(Constants.CARRIER_VALID_MASK, id) || !store.subscribed(id)) {
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
        if (object != Constants.DO_LOCK && object != Constants.DO_FALLBACK_SECONDS) {
            session.resetSession();
        }
    }

    private void putEndpoint(byte[] buf, short d, short lc) {
        byte type = lc > 0 ? buf[d] : 0;
        short alen = 0;
        if (type == Constants.ADDRESS_IPV4) {
            alen = Constants.IPV4_SIZE;
        } else if (type == Constants.ADDRESS_IPV6) {
            alen = Constants.IPV6_SIZE;
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
}

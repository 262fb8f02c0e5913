package org.simiot.applet;

import javacard.framework.Util;
import javacard.security.AESKey;
import javacard.security.KeyBuilder;

/**
 * Everything the card keeps in EEPROM: one state array (layout in Constants,
 * P_*) and the key objects. Writes happen inside JCSystem transactions,
 * except the uplink sequence reservation, which is a single atomic copy.
 */
final class Store {
    final byte[] state;
    final AESKey master;
    final AESKey encUp;
    final AESKey macUp;
    final AESKey encDown;
    final AESKey macDown;
    final AESKey admin;

    /** The transport admin key used until personalisation replaces it (40 41 .. 4F). */
    private static final byte TRANSPORT_KEY_FIRST = 0x40;

    Store(byte[] installParams, short paramsOff, byte paramsLen, byte[] scratch) {
        state = new byte[Constants.P_SIZE];
        master = newKey();
        encUp = newKey();
        macUp = newKey();
        encDown = newKey();
        macDown = newKey();
        admin = newKey();
        state[Constants.P_ADMIN_TRIES] = Constants.ADMIN_TRIES;
        Util.setShort(state, Constants.P_FALLBACK_SECONDS, Constants.DEFAULT_FALLBACK_SECONDS);
        state[(short) (Constants.P_SEQ_LIMIT + 3)] = 1; // sequences start at 1
        if (paramsLen == Constants.KEY_SIZE) {
            admin.setKey(installParams, paramsOff);
        } else {
            for (short i = 0; i < Constants.KEY_SIZE; i++) {
                scratch[i] = (byte) (TRANSPORT_KEY_FIRST + i);
            }
            admin.setKey(scratch, (short) 0);
            Util.arrayFillNonAtomic(scratch, (short) 0, Constants.KEY_SIZE, (byte) 0);
        }
    }

    private static AESKey newKey() {
        return (AESKey) KeyBuilder.buildKey(KeyBuilder.TYPE_AES, KeyBuilder.LENGTH_AES_128, false);
    }

    boolean has(byte flag) {
        return (state[Constants.P_FLAGS] & flag) != 0;
    }

    void setFlag(byte flag, boolean on) {
        if (on) {
            state[Constants.P_FLAGS] |= flag;
        } else {
            state[Constants.P_FLAGS] &= (byte) ~flag;
        }
    }

    /** Derives the four working keys once both the modem id and the master key are known. */
    void deriveKeys(Crypto crypto) {
        if (!has(Constants.F_MODEM_ID) || !has(Constants.F_MASTER_KEY)) {
            return;
        }
        crypto.deriveKey(master, Constants.LABEL_ENC_UP, state, Constants.P_MODEM_ID, encUp);
        crypto.deriveKey(master, Constants.LABEL_MAC_UP, state, Constants.P_MODEM_ID, macUp);
        crypto.deriveKey(master, Constants.LABEL_ENC_DOWN, state, Constants.P_MODEM_ID, encDown);
        crypto.deriveKey(master, Constants.LABEL_MAC_DOWN, state, Constants.P_MODEM_ID, macDown);
    }

    /** A new key or identity means the cloud's downlink counter starts again; call inside the key's transaction. */
    void resetDownlinkWindow() {
        clear(Constants.P_RX_HIGHEST, Constants.WINDOW_STATE_SIZE);
    }

    /**
     * Zeroes state bytes through the transaction facility. Not arrayFillNonAtomic:
     * that write is outside the transaction, so a tear or an abort would keep it
     * while rolling back the rest (old keys with a wiped replay window).
     */
    void clear(short off, short len) {
        for (short i = off; i < (short) (off + len); i++) {
            state[i] = 0;
        }
    }

    static boolean carrierBit(short mask, short id) {
        return (short) ((short) (mask >> id) & 1) != 0;
    }

    boolean subscribed(short id) {
        return carrierBit(Util.getShort(state, Constants.P_SUBSCRIPTIONS), id);
    }
}

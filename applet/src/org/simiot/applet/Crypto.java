package org.simiot.applet;

import javacard.framework.JCSystem;
import javacard.framework.Util;
import javacard.security.AESKey;
import javacard.security.CryptoException;
import javacardx.crypto.Cipher;

/**
 * AES-CMAC (RFC 4493), AES-CTR and the SP 800-108 KDF of docs/protocol.md,
 * all built on the bare AES block function: ALG_AES_CMAC_128 is optional in
 * Java Card 3.0.5, ECB without padding is on every card with AES.
 */
final class Crypto {
    private static final short S_SUBKEY = 0;
    private static final short S_X = 16;
    private static final short S_BLOCK = 32;
    private static final short S_COUNTER = 48;
    private static final short S_STREAM = 64;
    private static final short S_KDF = 80;
    private static final byte RB = (byte) 0x87;

    private final Cipher aes;
    private final boolean cbc;
    private final byte[] s;
    /** All-zero IV: one CBC block from a zero IV is one ECB block. */
    private final byte[] zeroIv;

    Crypto() {
        s = JCSystem.makeTransientByteArray(Constants.SCRATCH_SIZE, JCSystem.CLEAR_ON_DESELECT);
        zeroIv = new byte[16];
        Cipher c;
        boolean useCbc = false;
        try {
            c = Cipher.getInstance(Cipher.ALG_AES_BLOCK_128_ECB_NOPAD, false);
        } catch (CryptoException e) {
            // some cards only offer AES in CBC mode
            c = Cipher.getInstance(Cipher.ALG_AES_BLOCK_128_CBC_NOPAD, false);
            useCbc = true;
        }
        aes = c;
        cbc = useCbc;
    }

    /** Prepares the cipher so that every doFinal of 16 bytes is one AES block encryption. */
    private void start(AESKey key) {
        if (cbc) {
            aes.init(key, Cipher.MODE_ENCRYPT, zeroIv, (short) 0, (short) 16);
        } else {
            aes.init(key, Cipher.MODE_ENCRYPT);
        }
    }

    /** One AES-128 encryption of a 16-byte block. */
    void encryptBlock(AESKey key, byte[] in, short inOff, byte[] out, short outOff) {
        start(key);
        aes.doFinal(in, inOff, (short) 16, out, outOff);
    }

    /** Full 16-byte AES-CMAC of msg into out (RFC 4493). */
    void cmac(AESKey key, byte[] msg, short off, short len, byte[] out, short outOff) {
        start(key);
        Util.arrayFillNonAtomic(s, S_X, (short) 16, (byte) 0);
        aes.doFinal(s, S_X, (short) 16, s, S_SUBKEY);
        doubleBlock(s, S_SUBKEY);
        boolean complete = len > 0 && (short) (len & 0x0F) == 0;
        if (!complete) {
            doubleBlock(s, S_SUBKEY);
        }
        short blocks = (short) ((short) (len + 15) >> 4);
        if (blocks == 0) {
            blocks = 1;
        }
        short pos = off;
        for (short i = 1; i < blocks; i++) {
            xorInto(s, S_X, msg, pos, (short) 16);
            aes.doFinal(s, S_X, (short) 16, s, S_X);
            pos = (short) (pos + 16);
        }
        short rest = (short) (len - (short) (pos - off));
        Util.arrayFillNonAtomic(s, S_BLOCK, (short) 16, (byte) 0);
        Util.arrayCopyNonAtomic(msg, pos, s, S_BLOCK, rest);
        if (!complete) {
            s[(short) (S_BLOCK + rest)] = (byte) 0x80;
        }
        xorInto(s, S_BLOCK, s, S_SUBKEY, (short) 16);
        xorInto(s, S_X, s, S_BLOCK, (short) 16);
        aes.doFinal(s, S_X, (short) 16, s, S_X);
        Util.arrayCopyNonAtomic(s, S_X, out, outOff, (short) 16);
    }

    /** The 8-byte tag of a v2 frame: the first half of the CMAC. */
    void tag(AESKey key, byte[] msg, short off, short len, byte[] out, short outOff) {
        cmac(key, msg, off, len, s, S_BLOCK);
        Util.arrayCopyNonAtomic(s, S_BLOCK, out, outOff, Constants.V2_TAG);
    }

    /** Constant-time check of a truncated CMAC tag. */
    boolean verifyTag(AESKey key, byte[] msg, short off, short len, byte[] tag, short tagOff, short tagLen) {
        cmac(key, msg, off, len, s, S_BLOCK);
        byte diff = 0;
        for (short i = 0; i < tagLen; i++) {
            diff |= (byte) (s[(short) (S_BLOCK + i)] ^ tag[(short) (tagOff + i)]);
        }
        return diff == 0;
    }

    /**
     * CTR en/decryption in place. The counter block is bytes 1..13 of the frame
     * header (kind, modem id, sequence), then 00, then the block index u16.
     */
    void ctr(AESKey key, byte[] header, short headerOff, byte[] data, short off, short len) {
        start(key);
        Util.arrayCopyNonAtomic(header, (short) (headerOff + 1), s, S_COUNTER, (short) 13);
        s[(short) (S_COUNTER + 13)] = 0;
        short index = 0;
        short done = 0;
        while (done < len) {
            Util.setShort(s, (short) (S_COUNTER + 14), index);
            aes.doFinal(s, S_COUNTER, (short) 16, s, S_STREAM);
            short n = (short) (len - done);
            if (n > 16) {
                n = 16;
            }
            xorInto(data, (short) (off + done), s, S_STREAM, n);
            done = (short) (done + n);
            index++;
        }
    }

    /** SP 800-108 counter-mode KDF, one CMAC block: 01 || label || 00 || modemId || 0080. */
    void deriveKey(AESKey master, byte label, byte[] modemId, short idOff, AESKey out) {
        s[S_KDF] = 0x01;
        labelBytes(label, s, (short) (S_KDF + 1));
        s[(short) (S_KDF + 5)] = 0x00;
        Util.arrayCopyNonAtomic(modemId, idOff, s, (short) (S_KDF + 6), Constants.MODEM_ID_SIZE);
        s[(short) (S_KDF + 14)] = 0x00;
        s[(short) (S_KDF + 15)] = (byte) 0x80;
        cmac(master, s, S_KDF, (short) 16, s, S_BLOCK);
        out.setKey(s, S_BLOCK);
        Util.arrayFillNonAtomic(s, (short) 0, Constants.SCRATCH_SIZE, (byte) 0);
    }

    private static void labelBytes(byte label, byte[] out, short off) {
        // "ENC" / "MAC" then 'U' or 'D'
        boolean enc = label == Constants.LABEL_ENC_UP || label == Constants.LABEL_ENC_DOWN;
        boolean up = label == Constants.LABEL_ENC_UP || label == Constants.LABEL_MAC_UP;
        out[off] = enc ? (byte) 0x45 : (byte) 0x4D;
        out[(short) (off + 1)] = enc ? (byte) 0x4E : (byte) 0x41;
        out[(short) (off + 2)] = (byte) 0x43;
        out[(short) (off + 3)] = up ? (byte) 0x55 : (byte) 0x44;
    }

    private static void doubleBlock(byte[] b, short off) {
        byte carry = 0;
        for (short i = 15; i >= 0; i--) {
            short p = (short) (off + i);
            byte v = b[p];
            b[p] = (byte) ((byte) (v << 1) | carry);
            carry = (byte) ((v >> 7) & 1);
        }
        if (carry != 0) {
            b[(short) (off + 15)] ^= RB;
        }
    }

    static void xorInto(byte[] dst, short dOff, byte[] src, short sOff, short len) {
        for (short i = 0; i < len; i++) {
            dst[(short) (dOff + i)] ^= src[(short) (sOff + i)];
        }
    }
}

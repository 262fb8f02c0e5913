package javacardx.crypto;

import javacard.security.CryptoException;
import javacard.security.Key;
import simiot.jcre.AesCipherImpl;

/** Block cipher engine; this runtime provides the AES ECB and CBC no-padding modes. */
public abstract class Cipher {
    public static final byte ALG_AES_BLOCK_128_CBC_NOPAD = 13;
    public static final byte ALG_AES_BLOCK_128_ECB_NOPAD = 14;
    public static final byte MODE_DECRYPT = 1;
    public static final byte MODE_ENCRYPT = 2;

    protected Cipher() {
    }

    public static final Cipher getInstance(byte algorithm, boolean externalAccess) throws CryptoException {
        if (algorithm != ALG_AES_BLOCK_128_CBC_NOPAD && algorithm != ALG_AES_BLOCK_128_ECB_NOPAD
                || simiot.jcre.Jcre.missingAlgorithm(algorithm)) {
            CryptoException.throwIt(CryptoException.NO_SUCH_ALGORITHM);
        }
        return new AesCipherImpl(algorithm);
    }

    public abstract void init(Key theKey, byte theMode) throws CryptoException;

    public abstract void init(Key theKey, byte theMode, byte[] bArray, short bOff, short bLen) throws CryptoException;

    public abstract byte getAlgorithm();

    public abstract short doFinal(byte[] inBuff, short inOffset, short inLength, byte[] outBuff, short outOffset)
            throws CryptoException;

    public abstract short update(byte[] inBuff, short inOffset, short inLength, byte[] outBuff, short outOffset)
            throws CryptoException;
}

package javacard.security;

import simiot.jcre.AesKeyImpl;

/** Key factory; only the AES key types are implemented by this runtime. */
public class KeyBuilder {
    public static final byte TYPE_DES_TRANSIENT_RESET = 1;
    public static final byte TYPE_DES_TRANSIENT_DESELECT = 2;
    public static final byte TYPE_DES = 3;
    public static final byte TYPE_AES_TRANSIENT_RESET = 13;
    public static final byte TYPE_AES_TRANSIENT_DESELECT = 14;
    public static final byte TYPE_AES = 15;
    public static final byte TYPE_HMAC = 21;
    public static final short LENGTH_AES_128 = 128;
    public static final short LENGTH_AES_192 = 192;
    public static final short LENGTH_AES_256 = 256;

    private KeyBuilder() {
    }

    public static Key buildKey(byte keyType, short keyLength, boolean keyEncryption) throws CryptoException {
        if (keyType != TYPE_AES && keyType != TYPE_AES_TRANSIENT_RESET && keyType != TYPE_AES_TRANSIENT_DESELECT) {
            CryptoException.throwIt(CryptoException.NO_SUCH_ALGORITHM);
        }
        if (keyLength != LENGTH_AES_128 && keyLength != LENGTH_AES_192 && keyLength != LENGTH_AES_256) {
            CryptoException.throwIt(CryptoException.ILLEGAL_VALUE);
        }
        return new AesKeyImpl(keyType, keyLength);
    }
}

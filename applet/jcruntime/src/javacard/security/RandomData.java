package javacard.security;

import simiot.jcre.RandomImpl;

/** Random number generator (JC 3.0.5). */
public abstract class RandomData {
    public static final byte ALG_PSEUDO_RANDOM = 1;
    public static final byte ALG_SECURE_RANDOM = 2;
    public static final byte ALG_TRNG = 3;
    public static final byte ALG_PRESEEDED_DRBG = 4;
    public static final byte ALG_FAST = 5;
    public static final byte ALG_KEYGENERATION = 6;

    protected RandomData() {
    }

    public static final RandomData getInstance(byte algorithm) throws CryptoException {
        if (algorithm < ALG_PSEUDO_RANDOM || algorithm > ALG_KEYGENERATION) {
            CryptoException.throwIt(CryptoException.NO_SUCH_ALGORITHM);
        }
        return new RandomImpl(algorithm);
    }

    public abstract void generateData(byte[] buffer, short offset, short length) throws CryptoException;

    public abstract short nextBytes(byte[] buffer, short offset, short length) throws CryptoException;

    public abstract void setSeed(byte[] buffer, short offset, short length);

    public abstract byte getAlgorithm();
}

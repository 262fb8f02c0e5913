package javacard.security;

import javacard.framework.CardRuntimeException;

/** Crypto failures with the JC 3.0.5 reason codes. */
public class CryptoException extends CardRuntimeException {
    public static final short ILLEGAL_VALUE = 1;
    public static final short UNINITIALIZED_KEY = 2;
    public static final short NO_SUCH_ALGORITHM = 3;
    public static final short INVALID_INIT = 4;
    public static final short ILLEGAL_USE = 5;

    public CryptoException(short reason) {
        super(reason);
    }

    public static void throwIt(short reason) {
        throw new CryptoException(reason);
    }
}

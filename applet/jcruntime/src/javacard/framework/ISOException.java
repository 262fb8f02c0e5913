package javacard.framework;

/** Carries the status word the JCRE returns for the current APDU. */
public class ISOException extends CardRuntimeException {
    public ISOException(short sw) {
        super(sw);
    }

    public static void throwIt(short sw) {
        throw new ISOException(sw);
    }
}

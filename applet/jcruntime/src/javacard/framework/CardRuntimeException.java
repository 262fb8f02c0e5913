package javacard.framework;

/** Base of every runtime exception carrying a reason code (JC 3.0.5). */
public class CardRuntimeException extends RuntimeException {
    private short reason;

    public CardRuntimeException(short reason) {
        this.reason = reason;
    }

    public short getReason() {
        return reason;
    }

    public void setReason(short reason) {
        this.reason = reason;
    }

    public static void throwIt(short reason) throws CardRuntimeException {
        throw new CardRuntimeException(reason);
    }
}

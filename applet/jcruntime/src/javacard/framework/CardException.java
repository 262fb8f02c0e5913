package javacard.framework;

/** Checked counterpart of CardRuntimeException (JC 3.0.5). */
public class CardException extends Exception {
    private short reason;

    public CardException(short reason) {
        this.reason = reason;
    }

    public short getReason() {
        return reason;
    }

    public void setReason(short reason) {
        this.reason = reason;
    }

    public static void throwIt(short reason) throws CardException {
        throw new CardException(reason);
    }
}

package javacard.framework;

import simiot.jcre.Jcre;

/** JCRE services: transient memory and transactions, as in Java Card 3.0.5. */
public final class JCSystem {
    public static final byte NOT_A_TRANSIENT_OBJECT = 0;
    public static final byte CLEAR_ON_RESET = 1;
    public static final byte CLEAR_ON_DESELECT = 2;
    public static final byte MEMORY_TYPE_PERSISTENT = 0;
    public static final byte MEMORY_TYPE_TRANSIENT_RESET = 1;
    public static final byte MEMORY_TYPE_TRANSIENT_DESELECT = 2;

    private JCSystem() {
    }

    public static byte isTransient(Object theObj) {
        return Jcre.isTransient(theObj);
    }

    public static boolean[] makeTransientBooleanArray(short length, byte event) throws SystemException {
        return (boolean[]) Jcre.makeTransient(new boolean[checkLength(length)], event);
    }

    public static byte[] makeTransientByteArray(short length, byte event) throws SystemException {
        return (byte[]) Jcre.makeTransient(new byte[checkLength(length)], event);
    }

    public static short[] makeTransientShortArray(short length, byte event) throws SystemException {
        return (short[]) Jcre.makeTransient(new short[checkLength(length)], event);
    }

    public static Object[] makeTransientObjectArray(short length, byte event) throws SystemException {
        return (Object[]) Jcre.makeTransient(new Object[checkLength(length)], event);
    }

    private static int checkLength(short length) {
        if (length < 0) {
            SystemException.throwIt(SystemException.ILLEGAL_VALUE);
        }
        return length;
    }

    public static AID getAID() {
        return Jcre.selectedAid();
    }

    public static AID lookupAID(byte[] buffer, short offset, byte length) {
        return Jcre.lookupAid(buffer, offset, length);
    }

    public static void beginTransaction() throws TransactionException {
        Jcre.beginTransaction();
    }

    public static void abortTransaction() throws TransactionException {
        Jcre.abortTransaction();
    }

    public static void commitTransaction() throws TransactionException {
        Jcre.commitTransaction();
    }

    public static byte getTransactionDepth() {
        return Jcre.transactionDepth();
    }

    public static short getUnusedCommitCapacity() {
        return Jcre.unusedCommitCapacity();
    }

    public static short getMaxCommitCapacity() {
        return Jcre.maxCommitCapacity();
    }

    public static AID getPreviousContextAID() {
        return null;
    }

    public static short getAvailableMemory(byte memoryType) throws SystemException {
        return Jcre.availableMemory(memoryType);
    }

    public static Shareable getAppletShareableInterfaceObject(AID serverAID, byte parameter) {
        return null;
    }

    public static boolean isObjectDeletionSupported() {
        return false;
    }

    public static void requestObjectDeletion() throws SystemException {
        SystemException.throwIt(SystemException.ILLEGAL_USE);
    }

    public static byte getAssignedChannel() {
        return 0;
    }

    public static boolean isAppletActive(AID theApplet) {
        return theApplet != null && theApplet.equals(Jcre.selectedAid());
    }

    public static short getVersion() {
        return 0x0305;
    }
}

package javacard.framework;

/** Application identifier (5 to 16 bytes). */
public class AID {
    private final byte[] aid;

    public AID(byte[] bArray, short offset, byte length) {
        if (length < 5 || length > 16) {
            SystemException.throwIt(SystemException.ILLEGAL_VALUE);
        }
        aid = new byte[length];
        System.arraycopy(bArray, offset, aid, 0, length);
    }

    public final byte getBytes(byte[] dest, short offset) {
        System.arraycopy(aid, 0, dest, offset, aid.length);
        return (byte) aid.length;
    }

    public final boolean equals(Object anObject) {
        return anObject instanceof AID && java.util.Arrays.equals(aid, ((AID) anObject).aid);
    }

    public final int hashCode() {
        return java.util.Arrays.hashCode(aid);
    }

    public final boolean equals(byte[] bArray, short offset, byte length) {
        if (bArray == null || length != aid.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (bArray[offset + i] != aid[i]) {
                return false;
            }
        }
        return true;
    }

    public final boolean partialEquals(byte[] bArray, short offset, byte length) {
        if (bArray == null || length > aid.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (bArray[offset + i] != aid[i]) {
                return false;
            }
        }
        return true;
    }

    public final boolean RIDEquals(AID otherAID) {
        return otherAID != null && partialEquals(otherAID.aid, (short) 0, (byte) 5);
    }

    public final byte getPartialBytes(short aidOffset, byte[] dest, short oOffset, byte oLength) {
        int n = oLength == 0 ? aid.length - aidOffset : Math.min(oLength, aid.length - aidOffset);
        System.arraycopy(aid, aidOffset, dest, oOffset, n);
        return (byte) n;
    }
}

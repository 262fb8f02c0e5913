package simiot.jcre;

import javacard.framework.JCSystem;
import javacard.security.AESKey;
import javacard.security.CryptoException;
import javacard.security.KeyBuilder;

/**
 * AES key object. A persistent key (TYPE_AES) is persistent data: setKey and
 * clearKey are atomic, take part in an open transaction (key bytes and the
 * initialised flag go to the commit buffer) and roll back with it. A transient
 * key type keeps both in RAM, which no transaction touches.
 */
public final class AesKeyImpl implements AESKey {
    private final byte type;
    private final short size;
    private final byte[] key;
    private final boolean[] initialized;

    public AesKeyImpl(byte type, short size) {
        this.type = type;
        this.size = size;
        if (type == KeyBuilder.TYPE_AES) {
            key = new byte[size / 8];
            initialized = new boolean[1];
        } else {
            byte event = type == KeyBuilder.TYPE_AES_TRANSIENT_RESET ? JCSystem.CLEAR_ON_RESET : JCSystem.CLEAR_ON_DESELECT;
            key = JCSystem.makeTransientByteArray((short) (size / 8), event);
            initialized = JCSystem.makeTransientBooleanArray((short) 1, event);
        }
    }

    @Override
    public void setKey(byte[] keyData, short kOff) {
        if (keyData == null) {
            throw new NullPointerException();
        }
        if (kOff < 0 || kOff + key.length > keyData.length) {
            throw new ArrayIndexOutOfBoundsException();
        }
        journal();
        System.arraycopy(keyData, kOff, key, 0, key.length);
        initialized[0] = true;
    }

    @Override
    public byte getKey(byte[] keyData, short kOff) {
        if (!initialized[0]) {
            CryptoException.throwIt(CryptoException.UNINITIALIZED_KEY);
        }
        System.arraycopy(key, 0, keyData, kOff, key.length);
        return (byte) key.length;
    }

    @Override
    public boolean isInitialized() {
        return initialized[0];
    }

    @Override
    public void clearKey() {
        journal();
        java.util.Arrays.fill(key, (byte) 0);
        initialized[0] = false;
    }

    @Override
    public byte getType() {
        return type;
    }

    @Override
    public short getSize() {
        return size;
    }

    /** One atomic write of the key: a single tear point, and both arrays in the commit buffer. */
    private void journal() {
        Jcre.atomicWrite(key, 0, key.length);
        if (Jcre.persistent(initialized)) {
            Jcre.atomicWriteNoTear(initialized, 0, 1);
        }
    }

    byte[] keyBytes() {
        return key.clone();
    }
}

package simiot.jcre;

import java.security.GeneralSecurityException;
import javacard.security.CryptoException;
import javacard.security.Key;
import javacardx.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** AES in ECB or CBC without padding, backed by the JVM's AES. */
public final class AesCipherImpl extends Cipher {
    private final byte algorithm;
    private javax.crypto.Cipher engine;

    public AesCipherImpl(byte algorithm) {
        this.algorithm = algorithm;
    }

    @Override
    public void init(Key theKey, byte theMode) {
        init(theKey, theMode, null, (short) 0, (short) 0);
    }

    @Override
    public void init(Key theKey, byte theMode, byte[] bArray, short bOff, short bLen) {
        if (!(theKey instanceof AesKeyImpl)) {
            CryptoException.throwIt(CryptoException.ILLEGAL_VALUE);
        }
        if (!theKey.isInitialized()) {
            CryptoException.throwIt(CryptoException.UNINITIALIZED_KEY);
        }
        if (theMode != MODE_ENCRYPT && theMode != MODE_DECRYPT) {
            CryptoException.throwIt(CryptoException.ILLEGAL_VALUE);
        }
        try {
            int mode = theMode == MODE_ENCRYPT ? javax.crypto.Cipher.ENCRYPT_MODE : javax.crypto.Cipher.DECRYPT_MODE;
            SecretKeySpec spec = new SecretKeySpec(((AesKeyImpl) theKey).keyBytes(), "AES");
            if (algorithm == ALG_AES_BLOCK_128_ECB_NOPAD) {
                if (bArray != null) {
                    CryptoException.throwIt(CryptoException.ILLEGAL_VALUE);
                }
                engine = javax.crypto.Cipher.getInstance("AES/ECB/NoPadding");
                engine.init(mode, spec);
            } else {
                byte[] iv = new byte[16];
                if (bArray != null) {
                    if (bLen != 16) {
                        CryptoException.throwIt(CryptoException.ILLEGAL_VALUE);
                    }
                    System.arraycopy(bArray, bOff, iv, 0, 16);
                }
                engine = javax.crypto.Cipher.getInstance("AES/CBC/NoPadding");
                engine.init(mode, spec, new IvParameterSpec(iv));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public byte getAlgorithm() {
        return algorithm;
    }

    @Override
    public short doFinal(byte[] in, short inOff, short inLen, byte[] out, short outOff) {
        // doFinal returns the cipher to its state right after init (CBC: the initial IV again).
        return process(in, inOff, inLen, out, outOff, true);
    }

    @Override
    public short update(byte[] in, short inOff, short inLen, byte[] out, short outOff) {
        return process(in, inOff, inLen, out, outOff, false);
    }

    private short process(byte[] in, short inOff, short inLen, byte[] out, short outOff, boolean last) {
        if (engine == null) {
            CryptoException.throwIt(CryptoException.INVALID_INIT);
        }
        if (inLen % 16 != 0) {
            CryptoException.throwIt(CryptoException.ILLEGAL_USE);
        }
        if (inOff < 0 || inOff + inLen > in.length || outOff < 0 || outOff + inLen > out.length) {
            throw new ArrayIndexOutOfBoundsException();
        }
        byte[] result;
        try {
            result = last ? engine.doFinal(in, inOff, inLen) : engine.update(in, inOff, inLen);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        int n = result == null ? 0 : result.length;
        if (n > 0) {
            System.arraycopy(result, 0, out, outOff, n);
        }
        return (short) n;
    }
}

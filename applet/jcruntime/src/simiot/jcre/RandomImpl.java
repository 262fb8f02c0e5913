package simiot.jcre;

import java.security.SecureRandom;
import javacard.security.RandomData;

/** Random data from the JVM's SecureRandom. */
public final class RandomImpl extends RandomData {
    private final byte algorithm;
    private final SecureRandom random = new SecureRandom();

    public RandomImpl(byte algorithm) {
        this.algorithm = algorithm;
    }

    @Override
    public void generateData(byte[] buffer, short offset, short length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        System.arraycopy(b, 0, buffer, offset, length);
    }

    @Override
    public short nextBytes(byte[] buffer, short offset, short length) {
        generateData(buffer, offset, length);
        return (short) (offset + length);
    }

    @Override
    public void setSeed(byte[] buffer, short offset, short length) {
        random.setSeed(java.util.Arrays.copyOfRange(buffer, offset, offset + length));
    }

    @Override
    public byte getAlgorithm() {
        return algorithm;
    }
}

package simiot.test;

import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * An independent implementation of docs/protocol.md's v2 frame on javax.crypto,
 * written with ints and longs, used to check what the applet produces and to
 * build what the cloud would send.
 */
public final class RefV2 {
    public final byte[] modemId;
    public final byte[] encUp, macUp, encDown, macDown;

    public RefV2(byte[] masterKey, byte[] modemId) {
        this.modemId = modemId.clone();
        encUp = kdf(masterKey, "ENCU", modemId);
        macUp = kdf(masterKey, "MACU", modemId);
        encDown = kdf(masterKey, "ENCD", modemId);
        macDown = kdf(masterKey, "MACD", modemId);
    }

    public static byte[] aes(byte[] key, byte[] block) {
        try {
            Cipher c = Cipher.getInstance("AES/ECB/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
            return c.doFinal(block);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] dbl(byte[] in) {
        byte[] out = new byte[16];
        int carry = 0;
        for (int i = 15; i >= 0; i--) {
            int v = in[i] & 0xFF;
            out[i] = (byte) ((v << 1) | carry);
            carry = v >>> 7;
        }
        if ((in[0] & 0x80) != 0) out[15] ^= (byte) 0x87;
        return out;
    }

    public static byte[] cmac(byte[] key, byte[] msg) {
        byte[] k1 = dbl(aes(key, new byte[16]));
        byte[] k2 = dbl(k1);
        int n = Math.max(1, (msg.length + 15) / 16);
        boolean complete = msg.length > 0 && msg.length % 16 == 0;
        byte[] x = new byte[16];
        for (int i = 0; i < n; i++) {
            byte[] blk = new byte[16];
            int from = i * 16, len = Math.min(16, msg.length - from);
            System.arraycopy(msg, from, blk, 0, Math.max(0, len));
            if (i == n - 1) {
                if (!complete) blk[Math.max(0, len)] = (byte) 0x80;
                byte[] sub = complete ? k1 : k2;
                for (int j = 0; j < 16; j++) blk[j] ^= sub[j];
            }
            for (int j = 0; j < 16; j++) x[j] ^= blk[j];
            x = aes(key, x);
        }
        return x;
    }

    public static byte[] kdf(byte[] mk, String label, byte[] modemId) {
        byte[] in = Hex.cat(new byte[]{1}, label.getBytes(java.nio.charset.StandardCharsets.US_ASCII), new byte[]{0}, modemId, new byte[]{0, (byte) 0x80});
        return cmac(mk, in);
    }

    public static byte[] ctr(byte[] key, int kind, byte[] modemId, long seq, byte[] data) {
        byte[] out = data.clone();
        for (int i = 0; i * 16 < data.length; i++) {
            byte[] cb = new byte[16];
            cb[0] = (byte) kind;
            System.arraycopy(modemId, 0, cb, 1, 8);
            for (int j = 0; j < 4; j++) cb[9 + j] = (byte) (seq >>> (24 - 8 * j));
            cb[13] = 0;
            cb[14] = (byte) (i >>> 8);
            cb[15] = (byte) i;
            byte[] ks = aes(key, cb);
            for (int j = 0; j < 16 && i * 16 + j < data.length; j++) out[i * 16 + j] ^= ks[j];
        }
        return out;
    }

    static boolean uplink(int kind) {
        return kind == 1 || kind == 4;
    }

    public byte[] seal(int kind, long seq, byte[] plain) {
        byte[] header = new byte[14];
        header[0] = (byte) 0xA2;
        header[1] = (byte) kind;
        System.arraycopy(modemId, 0, header, 2, 8);
        for (int j = 0; j < 4; j++) header[10 + j] = (byte) (seq >>> (24 - 8 * j));
        byte[] ct = ctr(uplink(kind) ? encUp : encDown, kind, modemId, seq, plain);
        byte[] body = Hex.cat(header, ct);
        byte[] tag = Arrays.copyOf(cmac(uplink(kind) ? macUp : macDown, body), 8);
        return Hex.cat(body, tag);
    }

    /** Opened frame: kind, sequence, plaintext. Throws when anything does not verify. */
    public static final class Opened {
        public final int kind;
        public final long seq;
        public final byte[] plain;

        Opened(int kind, long seq, byte[] plain) {
            this.kind = kind;
            this.seq = seq;
            this.plain = plain;
        }
    }

    public Opened open(byte[] frame) {
        if (frame.length < 22 || (frame[0] & 0xFF) != 0xA2 && (frame[0] & 0xFF) != 0xA3) throw new IllegalArgumentException("not a v2/v3 frame");
        int kind = frame[1];
        if (!Arrays.equals(Arrays.copyOfRange(frame, 2, 10), modemId)) throw new IllegalArgumentException("modem id");
        long seq = 0;
        for (int j = 0; j < 4; j++) seq = (seq << 8) | (frame[10 + j] & 0xFF);
        byte[] body = Arrays.copyOf(frame, frame.length - 8);
        byte[] tag = Arrays.copyOf(cmac(uplink(kind) ? macUp : macDown, body), 8);
        if (!Arrays.equals(tag, Arrays.copyOfRange(frame, frame.length - 8, frame.length))) throw new IllegalArgumentException("bad tag");
        byte[] plain = ctr(uplink(kind) ? encUp : encDown, kind, modemId, seq, Arrays.copyOfRange(body, 14, body.length));
        return new Opened(kind, seq, plain);
    }
}

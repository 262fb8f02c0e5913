package simiot.test;

/** Hex helpers for tests; spaces in hex strings are ignored. */
public final class Hex {
    private Hex() {
    }

    public static byte[] b(String s) {
        s = s.replaceAll("\\s", "");
        if (s.length() % 2 != 0) throw new IllegalArgumentException("odd hex: " + s);
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        return out;
    }

    public static String s(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) sb.append(String.format("%02x", x));
        return sb.toString();
    }

    public static byte[] cat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }
}

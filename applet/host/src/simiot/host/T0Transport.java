package simiot.host;

import java.util.Arrays;
import simiot.jcre.Card;

/**
 * The card as a T=0 card answers (ISO/IEC 7816-3 section 10.3, 7816-4 section 5.3.4),
 * for APDUs that the reader passes through unchanged (vpcd does):
 * <ul>
 * <li>a command with data (case 3 or 4) carries no Le in T=0: the card runs it, and
 *     when it has response data answers only {@code 61xx} (xx bytes waiting; 00 = 256);</li>
 * <li>GET RESPONSE ({@code xx C0 00 00 Le}) returns them: Le bytes and the command's
 *     status word when Le covers the rest, Le bytes and {@code 61yy} when more remain,
 *     {@code 6Cyy} when Le is wrong;</li>
 * <li>a case 2 command whose Le differs from the length of its answer gets {@code 6Cxx}
 *     (xx = that length); the same command with Le = xx then gets the answer. The
 *     answer is kept rather than the command run again, so a command with side
 *     effects (GET CHALLENGE, FETCH) is not applied twice.</li>
 * </ul>
 * Any other command drops what was waiting.
 */
public final class T0Transport {
    /** ATR offering T=0 only: no interface bytes (T=0 is then implied) and, as ISO 7816-3 wants for T=0 only, no TCK. */
    public static final byte[] ATR = atr();

    private final Card card;
    private byte[] waiting;
    private int waitingOff;
    private byte[] wrongLeCommand;
    private byte[] wrongLeAnswer;

    public T0Transport(Card card) {
        this.card = card;
    }

    private static byte[] atr() {
        byte[] hist = "SimIoT JC1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] a = new byte[2 + hist.length];
        a[0] = 0x3B;
        a[1] = (byte) hist.length; // T0: Y1 = 0, K = number of historical bytes
        System.arraycopy(hist, 0, a, 2, hist.length);
        return a;
    }

    public byte[] transmit(byte[] c) {
        if (c.length == 5 && c[1] == (byte) 0xC0 && c[2] == 0 && c[3] == 0 && waiting != null) {
            return getResponse(c[4] == 0 ? 256 : c[4] & 0xFF);
        }
        waiting = null;
        byte[] again = wrongLeCommand;
        byte[] kept = wrongLeAnswer;
        wrongLeCommand = null;
        wrongLeAnswer = null;
        if (c.length <= 5) {
            if (again != null && Arrays.equals(again, c)) {
                return kept;
            }
            byte[] r = card.transmit(c);
            int na = r.length - 2;
            int le = c.length == 5 ? (c[4] == 0 ? 256 : c[4] & 0xFF) : 0;
            if (c.length == 5 && na > 0 && na != le) {
                wrongLeCommand = Arrays.copyOf(c, 5);
                wrongLeCommand[4] = (byte) na;
                wrongLeAnswer = r;
                return new byte[]{0x6C, (byte) na};
            }
            return r;
        }
        int lc = c[4] & 0xFF;
        if (lc == 0 || (c.length != 5 + lc && c.length != 6 + lc)) {
            return card.transmit(c); // not a short case 3/4 APDU: the card's own length check answers
        }
        byte[] cmd = Arrays.copyOf(c, 6 + lc);
        cmd[5 + lc] = 0; // T=0 sends no Le with data: the card may answer up to 256 bytes
        byte[] r = card.transmit(cmd);
        int na = r.length - 2;
        if (na == 0) {
            return r;
        }
        waiting = r;
        waitingOff = 0;
        return new byte[]{0x61, (byte) na};
    }

    private byte[] getResponse(int le) {
        int rest = waiting.length - 2 - waitingOff;
        if (le > rest) {
            return new byte[]{0x6C, (byte) rest};
        }
        byte[] out = new byte[le + 2];
        System.arraycopy(waiting, waitingOff, out, 0, le);
        waitingOff += le;
        if (le == rest) {
            out[le] = waiting[waiting.length - 2];
            out[le + 1] = waiting[waiting.length - 1];
            waiting = null;
        } else {
            out[le] = 0x61;
            out[le + 1] = (byte) (rest - le);
        }
        return out;
    }
}

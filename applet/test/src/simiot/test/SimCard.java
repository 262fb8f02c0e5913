package simiot.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.simiot.applet.SimIotApplet;
import simiot.jcre.Card;

/**
 * One simulated card with the applet installed, plus a minimal modem
 * terminal: it answers proactive commands as a terminal with one UDP channel
 * would, and records what the card sent.
 */
public final class SimCard {
    public static final String AID_HEX = "F053494D494F540100";
    public static final byte[] TRANSPORT_KEY = Hex.b("404142434445464748494a4b4c4d4e4f");
    public static final byte[] MASTER_KEY = Hex.b("000102030405060708090a0b0c0d0e0f");
    public static final byte[] MODEM_ID = Hex.b("00000000000004d2");
    /** Profile bytes: REFRESH, event list, data available + channel status, BIP commands, UDP client remote. */
    public static final String PROFILE = "FFFFFFFF1F0F0000000000" + "1F" + "43000000" + "03";

    public final Card card = new Card();
    public final byte[] masterKey;
    public final byte[] modemId;
    public final RefV2 ref;

    /** Proactive commands seen by the terminal, in order, as "TYPE:QUALIFIER" names. */
    public final List<String> proactiveLog = new ArrayList<>();
    /** Raw proactive commands seen by the terminal. */
    public final List<byte[]> proactiveRaw = new ArrayList<>();
    /** Datagrams the terminal sent on the UDP channel. */
    public final List<byte[]> sent = new ArrayList<>();
    private final ByteArrayOutputStream txBuffer = new ByteArrayOutputStream();
    /** The channel's Rx side as a terminal keeps it: whole datagrams, read one at a time. */
    private final java.util.ArrayDeque<byte[]> rxQueue = new java.util.ArrayDeque<>();
    private byte[] rxCurrent = new byte[0];
    private int rxPos;
    public boolean channelOpen;
    public String openResult = "830100";
    public String sendResult = "830100";

    public SimCard() {
        this(null);
    }

    public SimCard(byte[] adminKeyParam) {
        this(adminKeyParam, MASTER_KEY, MODEM_ID);
    }

    public SimCard(byte[] adminKeyParam, byte[] masterKey, byte[] modemId) {
        this.masterKey = masterKey.clone();
        this.modemId = modemId.clone();
        ref = new RefV2(masterKey, modemId);
        card.install(SimIotApplet.class, Hex.b(AID_HEX), adminKeyParam);
        card.powerOn();
    }

    public static final class Resp {
        public final byte[] data;
        public final int sw;

        Resp(byte[] raw) {
            data = Arrays.copyOf(raw, raw.length - 2);
            sw = ((raw[raw.length - 2] & 0xFF) << 8) | (raw[raw.length - 1] & 0xFF);
        }

        public String swHex() {
            return String.format("%04X", sw);
        }

        public Resp expect(int expected) {
            assertEquals(String.format("%04X", expected), swHex(), "status word");
            return this;
        }

        @Override
        public String toString() {
            return Hex.s(data) + " " + swHex();
        }
    }

    public Resp send(String hex) {
        return send(Hex.b(hex));
    }

    public Resp send(byte[] apdu) {
        byte[] r = card.transmit(apdu);
        if (TRACE) System.out.println("> " + Hex.s(apdu).toUpperCase() + "\n< " + Hex.s(r).toUpperCase());
        return new Resp(r);
    }

    /** -Dsimiot.trace=true prints every APDU exchange (used to write docs/applet.md). */
    static final boolean TRACE = Boolean.getBoolean("simiot.trace");

    public static String apdu(String header, byte[] data) {
        return header + String.format("%02X", data.length) + Hex.s(data);
    }

    public Resp select() {
        return send("00A4040009" + AID_HEX).expect(0x9000);
    }

    public void authenticate(byte[] key) {
        Resp ch = send("0084000010").expect(0x9000);
        assertEquals(16, ch.data.length);
        send(apdu("00820000", RefV2.aes(key, ch.data))).expect(0x9000);
    }

    public void put(int object, String dataHex, int expectedSw) {
        send(String.format("80DA00%02X", object) + (dataHex.isEmpty() ? "" : String.format("%02X", dataHex.length() / 2) + dataHex)).expect(expectedSw);
    }

    /** Full personalisation with endpoint 10.0.0.1:5000, subscriptions AT&T, T-Mobile, Verizon, carrier AT&T. */
    public void personalise(boolean legacy) {
        select();
        authenticate(TRANSPORT_KEY);
        put(0x01, Hex.s(modemId), 0x9000);
        put(0x02, Hex.s(masterKey), 0x9000);
        put(0x03, "210A0000011388", 0x9000);
        put(0x04, "0007", 0x9000);
        put(0x05, "00", 0x9000);
        if (legacy) put(0x06, "01", 0x9000);
        put(0xFF, "", 0x9000);
    }

    public byte[] status() {
        return send("80CA000000").expect(0x9000).data;
    }

    /** Personalises, sends the terminal profile and runs the resulting OPEN CHANNEL. */
    public void startSession(boolean legacy) {
        personalise(legacy);
        drain(send(apdu("80100000", Hex.b(PROFILE))));
        assertTrue(channelOpen, "channel open after the terminal profile");
    }

    // ------------------------------------------------------------------ terminal

    /** What the terminal saw last, rebuilt from STATUS: 91xx when a proactive command waits. */
    public Resp pending() {
        int len = status()[35] & 0xFF;
        return new Resp(len == 0 ? new byte[]{(byte) 0x90, 0} : new byte[]{(byte) 0x91, (byte) len});
    }

    /** Fetches and answers proactive commands while the card announces one (91xx). */
    public Resp drain(Resp r) {
        int guard = 0;
        while ((r.sw & 0xFF00) == 0x9100) {
            if (++guard > 50) throw new AssertionError("proactive loop does not end");
            Resp cmd = send(String.format("80120000%02X", r.sw & 0xFF)).expect(0x9000);
            r = answer(cmd.data);
        }
        return r;
    }

    /** The terminal's answer to one proactive command. */
    public Resp answer(byte[] c) {
        proactiveRaw.add(c);
        int o = (c[1] & 0xFF) == 0x81 ? 3 : 2;
        assertEquals((byte) 0xD0, c[0]);
        byte[] details = Arrays.copyOfRange(c, o, o + 5); // 81 03 nn tt qq
        int type = details[3] & 0xFF;
        int qual = details[4] & 0xFF;
        proactiveLog.add(name(type) + ":" + qual);
        String head = Hex.s(details) + "82028281";
        switch (type) {
            case 0x40:
                channelOpen = openResult.equals("830100");
                return send(apdu("80140000", Hex.b(head + openResult + (channelOpen ? "38028100" : "") + "35010339020" + "5DC")));
            case 0x43: {
                int d = find(c, o, 0x36);
                int len = c[d - 1] & 0xFF;
                txBuffer.write(c, d, len);
                if (sendResult.equals("830100") && qual == 1) {
                    sent.add(txBuffer.toByteArray());
                    txBuffer.reset();
                }
                return send(apdu("80140000", Hex.b(head + sendResult + "B701FF")));
            }
            case 0x42: {
                int d = find(c, o, 0x37);
                int want = c[d] & 0xFF;
                if (rxPos >= rxCurrent.length && !rxQueue.isEmpty()) {
                    rxCurrent = rxQueue.poll();
                    rxPos = 0;
                }
                int n = Math.min(want, rxCurrent.length - rxPos);
                byte[] chunk = Arrays.copyOfRange(rxCurrent, rxPos, rxPos + n);
                rxPos += n;
                int left = Math.min(255, available());
                String result = n < want ? "830102" : "830100"; // fewer bytes than asked: missing information
                return send(apdu("80140000", Hex.b(head + result + "B6" + berLen(n) + Hex.s(chunk) + "B701" + String.format("%02X", left))));
            }
            case 0x41:
                channelOpen = false;
                return send(apdu("80140000", Hex.b(head + "830100")));
            case 0x27:
                return send(apdu("80140000", Hex.b(head + "830100A40101")));
            default:
                return send(apdu("80140000", Hex.b(head + "830100")));
        }
    }

    static String berLen(int n) {
        return n > 127 ? String.format("81%02X", n) : String.format("%02X", n);
    }

    /** Offset of the value of a COMPREHENSION-TLV (CR flag ignored) in a proactive command. */
    public static int find(byte[] c, int from, int tag) {
        int p = from;
        while (p + 1 < c.length) {
            int t = c[p] & 0x7F;
            int l = c[p + 1] & 0xFF;
            int v = p + 2;
            if (l == 0x81) {
                l = c[p + 2] & 0xFF;
                v = p + 3;
            }
            if (t == tag) return v;
            p = v + l;
        }
        throw new AssertionError("tag " + Integer.toHexString(tag) + " not in " + Hex.s(c));
    }

    static String name(int type) {
        switch (type) {
            case 0x01: return "REFRESH";
            case 0x05: return "EVENTS";
            case 0x27: return "TIMER";
            case 0x40: return "OPEN";
            case 0x41: return "CLOSE";
            case 0x42: return "RECEIVE";
            case 0x43: return "SEND";
            default: return String.format("%02X", type);
        }
    }

    /** A datagram arrives on the channel: ENVELOPE data available, then the proactive loop. */
    public Resp deliver(byte[]... datagrams) {
        for (byte[] d : datagrams) rxQueue.add(d);
        int n = Math.min(255, available());
        Resp r = send(apdu("80C20000", Hex.b("D60E990109820282" + "81B80281" + "00B701" + String.format("%02X", n))));
        return drain(r);
    }

    /** What a terminal forgets when the card is reset: the channel and its buffers. */
    public void terminalReset() {
        rxQueue.clear();
        rxCurrent = new byte[0];
        rxPos = 0;
        txBuffer.reset();
        channelOpen = false;
    }

    private int available() {
        int n = rxCurrent.length - rxPos;
        for (byte[] d : rxQueue) n += d.length;
        return n;
    }

    public Resp submit(byte[] readings) {
        return drain(send(readings.length == 0 ? "80D00000" : apdu("80D00000", readings)));
    }

    /** SUBMIT COMPACT with P1 (01 seal, 02 new frame), the terminal carrying out what it raises. */
    public Resp submitCompact(int p1, byte[] blocks) {
        String header = String.format("80D4%02X00", p1);
        return drain(send(blocks.length == 0 ? header : apdu(header, blocks)));
    }

    /** One reading: device id, temporenc DTS (us), data. */
    public static byte[] reading(int deviceId, String dtsHex, byte[] data) {
        return Hex.cat(new byte[]{(byte) (deviceId >>> 24), (byte) (deviceId >>> 16), (byte) (deviceId >>> 8), (byte) deviceId},
                Hex.b(dtsHex), new byte[]{(byte) data.length}, data);
    }

    public static final String TS = "57eaaba800078900";

    public static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    public static long u32(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 4; i++) v = (v << 8) | (b[off + i] & 0xFF);
        return v;
    }

    public static byte[] u32b(long v) {
        return new byte[]{(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }
}

package simiot.tools;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import javax.smartcardio.Card;
import javax.smartcardio.CardChannel;
import javax.smartcardio.CardTerminal;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.ResponseAPDU;
import javax.smartcardio.TerminalFactory;

/**
 * Personalises a SimIoT card through PC/SC (lab use until the edge's
 * `simiot-edge provision` exists): admin challenge-response, then PUT DATA
 * objects, then optionally LOCK; prints the status record at the end.
 */
public final class Personalise {
    private static final byte[] AID = {(byte) 0xF0, 0x53, 0x49, 0x4D, 0x49, 0x4F, 0x54, 0x01, 0x00};
    private static final Map<String, Integer> CARRIERS = new LinkedHashMap<>();

    static {
        CARRIERS.put("att", 0);
        CARRIERS.put("tmobile", 1);
        CARRIERS.put("verizon", 2);
        CARRIERS.put("disconnect", 15);
    }

    private Personalise() {
    }

    public static void main(String[] args) throws Exception {
        String reader = "Virtual PCD 00 00";
        byte[] admin = hex("404142434445464748494a4b4c4d4e4f");
        Map<Integer, byte[]> objects = new LinkedHashMap<>();
        boolean lock = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--reader": reader = args[++i]; break;
                case "--admin-key": admin = key(args[++i]); break;
                case "--modem-id": objects.put(0x01, fixed(args[++i], 8)); break;
                case "--master-key": objects.put(0x02, key(args[++i])); break;
                case "--endpoint": objects.put(0x03, endpoint(args[++i])); break;
                case "--subscriptions": {
                    int mask = 0;
                    for (String c : args[++i].split(",")) mask |= 1 << carrier(c);
                    objects.put(0x04, new byte[]{(byte) (mask >> 8), (byte) mask});
                    break;
                }
                case "--carrier": objects.put(0x05, new byte[]{(byte) carrier(args[++i])}); break;
                case "--legacy": objects.put(0x06, new byte[]{1}); break;
                case "--v2": objects.put(0x06, new byte[]{0}); break;
                case "--new-admin-key": objects.put(0x07, key(args[++i])); break;
                case "--fallback-seconds": {
                    int s = Integer.parseInt(args[++i]);
                    objects.put(0x08, new byte[]{(byte) (s >> 8), (byte) s});
                    break;
                }
                case "--lock": lock = true; break;
                case "-h":
                case "--help":
                    System.out.println(String.join("\n",
                            "Usage: java -cp applet/build/card-host.jar simiot.tools.Personalise [options]",
                            "  --reader NAME            PC/SC reader (default 'Virtual PCD 00 00')",
                            "  --admin-key HEX32        admin key for EXTERNAL AUTHENTICATE (default: transport key 4041..4F)",
                            "  --modem-id HEX16         modem id (u64)",
                            "  --master-key HEX32       AES-128 master key",
                            "  --endpoint IP:PORT       cloud UDP endpoint, IPv4 or [IPv6]:port",
                            "  --subscriptions LIST     carriers held, e.g. att,tmobile,verizon[,disconnect]",
                            "  --carrier NAME           current carrier",
                            "  --legacy | --v2          v1 packets (seed) or v2 frames",
                            "  --fallback-seconds N     carrier fallback time",
                            "  --new-admin-key HEX32    replace the admin key",
                            "  --lock                   end personalisation (starts the toolkit session)",
                            "Without objects it only authenticates and prints the status record."));
                    return;
                default:
                    throw new IllegalArgumentException("unknown option " + a);
            }
        }
        pcscLibrary();
        CardTerminal terminal = TerminalFactory.getDefault().terminals().getTerminal(reader);
        if (terminal == null || !terminal.isCardPresent()) {
            System.err.println("no card in reader '" + reader + "'");
            System.exit(1);
        }
        Card card = terminal.connect("*");
        try {
            CardChannel ch = card.getBasicChannel();
            expect(ch.transmit(new CommandAPDU(0x00, 0xA4, 0x04, 0x00, AID)), "SELECT");
            ResponseAPDU challenge = expect(ch.transmit(new CommandAPDU(0x00, 0x84, 0x00, 0x00, 16)), "GET CHALLENGE");
            Cipher aes = Cipher.getInstance("AES/ECB/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(admin, "AES"));
            expect(ch.transmit(new CommandAPDU(0x00, 0x82, 0x00, 0x00, aes.doFinal(challenge.getData()))), "EXTERNAL AUTHENTICATE");
            for (Map.Entry<Integer, byte[]> o : objects.entrySet()) {
                expect(ch.transmit(new CommandAPDU(0x80, 0xDA, 0x00, o.getKey(), o.getValue())), String.format("PUT DATA %02X", o.getKey()));
            }
            if (lock) {
                expect(ch.transmit(new CommandAPDU(new byte[]{(byte) 0x80, (byte) 0xDA, 0x00, (byte) 0xFF})), "LOCK");
            }
            ResponseAPDU st = expect(ch.transmit(new CommandAPDU(0x80, 0xCA, 0x00, 0x00, 256)), "GET STATUS");
            System.out.println("status " + toHex(st.getData()));
        } finally {
            card.disconnect(true);
        }
    }

    /** The JDK looks for libpcsclite.so, which only the -dev package provides on Debian. */
    public static void pcscLibrary() throws Exception {
        if (System.getProperty("sun.security.smartcardio.library") != null) {
            return;
        }
        for (String dir : List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib/arm-linux-gnueabihf", "/usr/lib64", "/usr/lib")) {
            Path p = Paths.get(dir, "libpcsclite.so.1");
            if (Files.exists(p)) {
                System.setProperty("sun.security.smartcardio.library", p.toString());
                return;
            }
        }
    }

    private static ResponseAPDU expect(ResponseAPDU r, String what) {
        if (r.getSW() != 0x9000) {
            System.err.printf("%s failed: SW %04X%n", what, r.getSW());
            System.exit(1);
        }
        System.out.printf("%s: 9000%n", what);
        return r;
    }

    private static int carrier(String name) {
        Integer id = CARRIERS.get(name.trim().toLowerCase().replace("-", "").replace("&", ""));
        if (id == null) throw new IllegalArgumentException("unknown carrier " + name + " (att, tmobile, verizon, disconnect)");
        return id;
    }

    private static byte[] endpoint(String s) throws Exception {
        int colon = s.lastIndexOf(':');
        String host = s.substring(0, colon).replace("[", "").replace("]", "");
        int port = Integer.parseInt(s.substring(colon + 1));
        byte[] addr = InetAddress.getByName(host).getAddress();
        byte[] out = new byte[1 + addr.length + 2];
        out[0] = (byte) (addr.length == 4 ? 0x21 : 0x57);
        System.arraycopy(addr, 0, out, 1, addr.length);
        out[out.length - 2] = (byte) (port >> 8);
        out[out.length - 1] = (byte) port;
        return out;
    }

    private static byte[] key(String h) {
        return fixed(h, 16);
    }

    private static byte[] fixed(String h, int n) {
        byte[] b = hex(h);
        if (b.length != n) throw new IllegalArgumentException("expected " + n + " bytes: " + h);
        return b;
    }

    static byte[] hex(String s) {
        s = s.replaceAll("[\\s:]", "");
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        return b;
    }

    static String toHex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) sb.append(String.format("%02x", x));
        return sb.toString();
    }
}

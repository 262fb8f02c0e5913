package simiot.host;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.Arrays;
import javacard.framework.Applet;
import simiot.jcre.Card;

/**
 * Runs the SimIoT applet on the simulated card and connects it, as a virtual
 * card, to pcscd's vpcd reader driver: every message is a 2-byte big-endian
 * length and a body; a 1-byte body is a control code (00 off, 01 on, 02 reset,
 * 04 ATR), anything else is a command APDU answered by its response APDU.
 */
public final class CardHost {
    static final byte[] AID = {(byte) 0xF0, 0x53, 0x49, 0x4D, 0x49, 0x4F, 0x54, 0x01, 0x00};
    static final String APPLET_CLASS = "org.simiot.applet.SimIotApplet";

    private final String host;
    private final int port;
    private final Path state;
    private final boolean traceApdus;
    private final Card card = new Card();
    private final CardHostOptions options;
    private String appletClass = APPLET_CLASS;
    private byte[] aid = AID;
    private final T0Transport t0 = new T0Transport(card);
    private byte[] lastSaved;
    private volatile boolean stopping;
    private volatile Socket socket;

    CardHost(String host, int port, Path state, boolean traceApdus) {
        this(host, port, state, traceApdus, new CardHostOptions());
    }

    CardHost(String host, int port, Path state, boolean traceApdus, CardHostOptions options) {
        this.host = host;
        this.port = port;
        this.state = state;
        this.traceApdus = traceApdus;
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        try {
            run(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    private static void run(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 35963;
        Path state = Paths.get("card-state.bin");
        boolean trace = false;
        byte[] adminKey = null;
        String applet = APPLET_CLASS;
        byte[] aid = AID;
        CardHostOptions options = CardHostOptions.fromEnvironment(System.getenv());
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--protocol": options.protocol(args[++i]); break;
                case "--apdu-delay-ms": options.delayMs = CardHostOptions.millis("--apdu-delay-ms", args[++i]); break;
                case "--apdu-jitter-ms": options.jitterMs = CardHostOptions.millis("--apdu-jitter-ms", args[++i]); break;
                case "--host": host = args[++i]; break;
                case "--port": port = Integer.parseInt(args[++i]); break;
                case "--state": state = Paths.get(args[++i]); break;
                case "--admin-key": adminKey = hex(args[++i]); break;
                case "--trace": trace = true; break;
                case "--applet": applet = args[++i]; break;
                case "--aid": aid = hex(args[++i]); break;
                case "-h":
                case "--help":
                    System.out.println("Usage: card-host [--host 127.0.0.1] [--port 35963] [--state FILE] [--admin-key HEX32] [--trace]\n"
                            + "                 [--protocol t1|t0] [--apdu-delay-ms N] [--apdu-jitter-ms N]\n"
                            + "Runs the SimIoT applet as a virtual card connected to pcscd's vpcd driver.\n"
                            + "--state          persistent memory of the card (created on first start)\n"
                            + "--admin-key      install parameter for a new card (default: transport key 404142..4F)\n"
                            + "--trace          log every APDU and response in hex\n"
                            + "--protocol t0    ATR offers T=0 only; data comes back through 61xx and GET RESPONSE, a wrong Le gets 6Cxx\n"
                            + "--apdu-delay-ms  answer every APDU this much later (a slow card)\n"
                            + "--apdu-jitter-ms plus a uniformly random 0..N ms more per APDU\n"
                            + "--applet CLASS --aid HEX  install another applet found on the class path instead (tests)\n"
                            + "Defaults from SIMIOT_CARD_PROTOCOL, SIMIOT_CARD_APDU_DELAY_MS, SIMIOT_CARD_APDU_JITTER_MS.");
                    return;
                default:
                    System.err.println("card-host: unknown option " + args[i]);
                    System.exit(2);
            }
        }
        CardHost h = new CardHost(host, port, state, trace, options);
        h.appletClass = applet;
        h.aid = aid;
        h.start(adminKey);
        h.serve();
    }

    @SuppressWarnings("unchecked")
    void start(byte[] adminKey) throws Exception {
        log("protocol " + (options.t0 ? "T=0" : "T=1") + ", response delay " + options.delayMs + " ms + 0.." + options.jitterMs + " ms jitter");
        Class<? extends Applet> cls = (Class<? extends Applet>) Class.forName(appletClass);
        card.install(cls, aid, adminKey);
        if (Files.exists(state)) {
            card.load(state);
            log("loaded card state from " + state);
        } else {
            log("new card installed, state file " + state);
        }
        card.powerOff();
        persist();
    }

    private void persist() throws IOException {
        byte[] img = card.encodeImage();
        if (lastSaved == null || !Arrays.equals(img, lastSaved)) {
            card.save(state);
            lastSaved = img;
        }
    }

    void serve() throws InterruptedException {
        long backoff = 500;
        boolean announced = false;
        while (!stopping) {
            try (Socket s = new Socket()) {
                socket = s;
                s.connect(new InetSocketAddress(host, port), 2000);
                s.setTcpNoDelay(true);
                log("connected to vpcd at " + host + ":" + port);
                announced = false;
                backoff = 500;
                session(new DataInputStream(s.getInputStream()), new DataOutputStream(s.getOutputStream()));
            } catch (IOException e) {
                if (!announced) {
                    log("vpcd not reachable at " + host + ":" + port + " (" + e.getMessage() + "), retrying");
                    announced = true;
                }
            }
            if (card.powered()) {
                card.powerOff(); // the reader went away: the card loses power like a pulled card
            }
            try {
                persist();
            } catch (IOException e) {
                log("cannot save state: " + e.getMessage());
            }
            if (stopping) {
                break;
            }
            Thread.sleep(backoff);
            backoff = Math.min(backoff * 2, 5000);
        }
        log("stopped");
    }

    /** Ends serve(): the card leaves the reader as if pulled. */
    void stop() {
        stopping = true;
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing is all we want
            }
        }
    }

    private void session(DataInputStream in, DataOutputStream out) throws IOException {
        while (true) {
            int len;
            try {
                len = in.readUnsignedShort();
            } catch (EOFException e) {
                log("vpcd closed the connection");
                return;
            }
            byte[] msg = new byte[len];
            in.readFully(msg);
            if (len == 1) {
                switch (msg[0]) {
                    case 0x00:
                        if (card.powered()) {
                            log("power off");
                            card.powerOff();
                            persist();
                        }
                        break;
                    case 0x01:
                        if (!card.powered()) {
                            log("power on");
                            card.powerOn();
                        }
                        break;
                    case 0x02:
                        log("reset");
                        card.reset();
                        persist();
                        break;
                    case 0x04:
                        write(out, options.t0 ? T0Transport.ATR : Card.ATR);
                        break;
                    default:
                        log("unknown control byte " + String.format("%02X", msg[0]));
                }
                continue;
            }
            if (!card.powered()) {
                card.powerOn();
            }
            byte[] resp = options.t0 ? t0.transmit(msg) : card.transmit(msg);
            if (traceApdus) {
                log("> " + hex(msg));
                log("< " + hex(resp));
            } else {
                log(String.format("APDU %02X %02X -> %02X%02X", msg[0], msg.length > 1 ? msg[1] : 0,
                        resp[resp.length - 2], resp[resp.length - 1]));
            }
            persist();
            options.delay();
            write(out, resp);
        }
    }

    private static void write(DataOutputStream out, byte[] b) throws IOException {
        out.writeShort(b.length);
        out.write(b);
        out.flush();
    }

    private static void log(String s) {
        System.out.println(Instant.now() + " card-host: " + s);
        System.out.flush();
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) sb.append(String.format("%02X", x));
        return sb.toString();
    }

    static byte[] hex(String s) {
        s = s.replaceAll("\\s", "");
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        return b;
    }
}

package simiot.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import simiot.jcre.Card;
import simiot.test.Hex;

/** The card host against a stand-in vpcd: framing, control bytes, reconnects, persistent state file. */
class CardHostTest {

    static byte[] exchange(DataInputStream in, DataOutputStream out, String hex) throws Exception {
        byte[] b = Hex.b(hex);
        out.writeShort(b.length);
        out.write(b);
        out.flush();
        byte[] r = new byte[in.readUnsignedShort()];
        in.readFully(r);
        return r;
    }

    static void control(DataOutputStream out, int code) throws Exception {
        out.writeShort(1);
        out.write(code);
        out.flush();
    }

    /** Starts the host and serves vpcd on a daemon thread. */
    static Thread serve(CardHost host) throws Exception {
        host.start(null);
        Thread t = new Thread(() -> {
            try {
                host.serve();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void servesVpcdReconnectsAndKeepsItsMemory(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("card.bin");
        CardHost host;
        Thread t;
        try (ServerSocket vpcd = new ServerSocket(0)) {
            vpcd.setSoTimeout(20000);
            host = new CardHost("127.0.0.1", vpcd.getLocalPort(), state, true);
            t = serve(host);
            try (Socket s = vpcd.accept()) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                control(out, 0x01);
                assertEquals(Hex.s(Card.ATR), Hex.s(exchange(in, out, "04")));
                assertEquals("9000", Hex.s(exchange(in, out, "00A4040009F053494D494F540100")));
                assertEquals("6a82", Hex.s(exchange(in, out, "00A4040007A0000000030000")));
                assertEquals("9000", Hex.s(exchange(in, out, "00A4040009F053494D494F540100")));
                byte[] ch = exchange(in, out, "0084000010");
                assertEquals(18, ch.length);
                assertEquals("63c4", Hex.s(exchange(in, out, "00820000100000000000000000000000000000000000")));
                control(out, 0x00);
            }
            // vpcd goes away and comes back: the host reconnects; the failed try was persisted
            try (Socket s = vpcd.accept()) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                control(out, 0x01);
                exchange(in, out, "00A4040009F053494D494F540100");
                byte[] st = exchange(in, out, "80CA000000");
                assertEquals(4, st[38], "admin tries left, from persistent memory");
                control(out, 0x02);
                assertEquals("6985", Hex.s(exchange(in, out, "80CA000000")), "nothing selected after reset");
            }
        }
        host.stop();
        t.join(10000);
        assertTrue(Files.size(state) > 0);
        // a new host process on the same file sees the same card
        CardHost again = new CardHost("127.0.0.1", 1, state, false);
        again.start(null);
    }
}

package simiot.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import simiot.test.Hex;
import simiot.test.SimCard;

/** The card as a T=0 card: ATR, 61xx and GET RESPONSE for case 4, 6Cxx for a wrong Le; and a slow card. */
class T0TransportTest {
    static final String PROBE_AID = "F053494D494F54FF01";
    final SimCard c = new SimCard();
    final T0Transport t0 = new T0Transport(c.card);

    String send(String apdu) {
        return Hex.s(t0.transmit(Hex.b(apdu))).toUpperCase();
    }

    @Test
    void theAtrOffersT0Only() {
        // TS, T0 with no interface bytes (Y1 = 0: T=0 implied), 10 historical bytes, no TCK
        assertEquals("3B0A" + Hex.s("SimIoT JC1".getBytes()).toUpperCase(), Hex.s(T0Transport.ATR).toUpperCase());
    }

    @Test
    void theAppletsCommandsOverT0() {
        c.personalise(false);
        assertEquals("9000", send("00A4040009" + SimCard.AID_HEX + "00"), "SELECT (case 4 without response data): the status word only");
        assertEquals(36, send("0084000010").length(), "case 2 with the right Le: data and 9000");
        String profile = send(SimCard.apdu("80100000", Hex.b(SimCard.PROFILE)));
        assertTrue(profile.startsWith("91"), "TERMINAL PROFILE: no data, 91xx: " + profile);
        String fetch = send("80120000" + profile.substring(2));
        assertTrue(fetch.startsWith("D0") && fetch.endsWith("9000"), "FETCH with the Le of 91xx: " + fetch);
    }

    @Test
    void aWrongLeGets6CxxAndTheSameCommandWithThatLeTheAnswerOnce() {
        send("00A4040009" + SimCard.AID_HEX);
        String wrong = send("80CA000000"); // GET STATUS has 58 bytes, not 256
        assertEquals("6C3A", wrong);
        String right = send("80CA00003A");
        assertEquals(58 * 2 + 4, right.length());
        assertTrue(right.endsWith("9000"));
        String challenge = send("0084000008"); // GET CHALLENGE has 16 bytes
        assertEquals("6C10", challenge);
        String answer = send("0084000010");
        assertEquals(36, answer.length());
        assertTrue(answer.endsWith("9000"));
    }

    @Test
    void aCase4CommandAnswers61xxAndGetResponseFetchesItInPieces() {
        simiot.jcre.Card probe = new simiot.jcre.Card();
        probe.install(simiot.test.ProbeApplet.class, Hex.b(PROBE_AID), null);
        probe.powerOn();
        T0Transport t = new T0Transport(probe);
        assertEquals("9000", Hex.s(t.transmit(Hex.b("00A4040009" + PROBE_AID))));
        String data = "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F";
        assertEquals("6120", Hex.s(t.transmit(Hex.b("8006000020" + data + "20"))).toUpperCase(), "case 4 echo of 32 bytes: 61 20");
        assertEquals(data.substring(0, 32) + "6110", Hex.s(t.transmit(Hex.b("00C0000010"))).toUpperCase(), "16 bytes, 16 more wait");
        assertEquals("6C10", Hex.s(t.transmit(Hex.b("00C0000020"))).toUpperCase(), "a wrong Le on GET RESPONSE");
        assertEquals(data.substring(32) + "9000", Hex.s(t.transmit(Hex.b("00C0000010"))).toUpperCase());
        assertEquals("6120", Hex.s(t.transmit(Hex.b("8006000020" + data))).toUpperCase(), "case 3 form (T=0 sends no Le): the same");
        assertEquals(data + "9000", Hex.s(t.transmit(Hex.b("00C0000020"))).toUpperCase());
        assertEquals("6D00", Hex.s(t.transmit(Hex.b("00C0000020"))).toUpperCase(), "nothing waits: GET RESPONSE goes to the applet");
    }

    @Test
    void aSlowCardAnswersNoSoonerThanItsDelay(@TempDir Path dir) throws Exception {
        CardHostOptions o = new CardHostOptions();
        o.delayMs = 40;
        o.jitterMs = 20;
        o.t0 = true;
        try (ServerSocket vpcd = new ServerSocket(0)) {
            vpcd.setSoTimeout(20000);
            CardHost host = new CardHost("127.0.0.1", vpcd.getLocalPort(), dir.resolve("card.bin"), false, o);
            Thread t = CardHostTest.serve(host);
            try (Socket s = vpcd.accept()) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                CardHostTest.control(out, 0x01);
                assertEquals(Hex.s(T0Transport.ATR), Hex.s(CardHostTest.exchange(in, out, "04")));
                for (int i = 0; i < 5; i++) {
                    long start = System.nanoTime();
                    assertEquals("9000", Hex.s(CardHostTest.exchange(in, out, "00A4040009F053494D494F540100")));
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    assertTrue(ms >= 40, "answered after " + ms + " ms");
                }
                assertTrue(Hex.s(CardHostTest.exchange(in, out, "80CA000000")).startsWith("6c"), "T=0 through the host");
            }
            host.stop();
            t.join(10000);
        }
    }
}

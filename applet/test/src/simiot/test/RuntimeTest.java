package simiot.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import simiot.jcre.Card;
import simiot.jcre.PowerLoss;

/** The Java Card runtime itself: APDU cases, transients, transactions, exceptions, ATR. */
class RuntimeTest {
    static final String AID = "F053494D494F54FF01";
    Card card;

    @BeforeEach
    void install() {
        card = new Card();
        card.install(ProbeApplet.class, Hex.b(AID), null);
        card.powerOn();
        sw("00A4040009" + AID, "9000");
    }

    String send(String apdu) {
        return Hex.s(card.transmit(Hex.b(apdu))).toUpperCase();
    }

    void sw(String apdu, String expected) {
        String r = send(apdu);
        assertEquals(expected, r.substring(r.length() - 4), apdu);
    }

    @Test
    void exceptionInsideATransactionRollsItBack() {
        sw("80010700", "6A80");
        assertEquals("00000000" + "9000", send("8005000004"));
    }

    @Test
    void abortAndCommit() {
        sw("80020700", "9000");
        sw("80080900", "9000");
        assertEquals(9, card.persistentImage().get("applet.persistent") instanceof byte[] ? ((byte[]) card.persistentImage().get("applet.persistent"))[1] : -1);
        assertEquals("00000001" + "9000", send("8005000004"));
    }

    @Test
    void transactionLeftOpenIsAbortedByTheJcre() {
        sw("80090500", "9000");
        assertEquals(0, ((byte[]) card.persistentImage().get("applet.persistent"))[2]);
    }

    @Test
    void uncaughtExceptionsGive6F00() {
        sw("80030000", "6F00");
        sw("80040000", "6F00");
        sw("80EE0000", "6D00");
    }

    @Test
    void transientArraysClearOnDeselectAndReset() {
        send("8005070004");
        assertEquals("07070000" + "9000", send("8005080004"));
        sw("00A4040009" + AID, "9000");
        assertEquals("08000000" + "9000", send("8005090004"), "deselect clears CLEAR_ON_DESELECT only");
        card.reset();
        sw("8005000004", "6985");
        sw("00A4040009" + AID, "9000");
        assertEquals("00000000" + "9000", send("8005000004"), "reset clears both");
    }

    @Test
    void apduCases() {
        assertEquals("0102039000", send("8006000003010203"));
        assertEquals("01029000", send("800600000201020A"));
        assertEquals("AAAAAA9000", send("8007000003"));
        assertEquals(258, card.transmit(Hex.b("8007000000")).length, "Le 00 means 256");
        sw("800600", "6700");
        sw("8006000005010203", "6700");
        sw("0306000000", "6881");
    }

    @Test
    void powerLossInsideATransactionRollsBack() {
        for (int n = 1; n <= 6; n++) {
            card.tearAfter(n);
            try {
                send("800A" + String.format("%02X", n) + "00");
                card.tearAfter(0);
            } catch (PowerLoss e) {
                card.powerOn();
                sw("00A4040009" + AID, "9000");
            }
            byte[] p = (byte[]) card.persistentImage().get("applet.persistent");
            assertTrue(p[0] == p[1] && p[1] == p[2] && p[2] == p[3], "all or nothing: " + Hex.s(p));
        }
        assertThrows(IllegalStateException.class, () -> {
            card.powerOff();
            card.transmit(Hex.b("8005000004"));
        });
    }

    @Test
    void atrIsT1WithValidCheckByte() {
        byte[] atr = Card.ATR;
        assertEquals(0x3B, atr[0]);
        byte x = 0;
        for (int i = 1; i < atr.length; i++) x ^= atr[i];
        assertEquals(0, x, "TCK makes the XOR of T0..TCK zero");
    }
}

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

    byte[] persistent() {
        return (byte[]) card.persistentImage().get("applet.persistent");
    }

    @Test
    void abortRollsBackOnlyWritesThroughTheTransactionFacility() {
        sw("800B0500", "9000");
        assertEquals("00050500", Hex.s(persistent()), "the array store rolls back; arrayFillNonAtomic and arrayCopyNonAtomic do not");
        assertEquals("05000000" + "9000", send("8005000004"), "a transient write is not rolled back either");
    }

    @Test
    void powerLossRollsBackTheJournalButNotNonAtomicWrites() {
        card.tearAfter(4); // begin (1), persistent[0] (2), fill (3), then power fails before the non-atomic copy (4)
        assertThrows(PowerLoss.class, () -> send("800B0600"));
        card.powerOn();
        assertEquals("00060000", Hex.s(persistent()), "the journaled store is undone, the finished non-atomic fill stays");
    }

    @Test
    void aTransactionBeyondTheCommitBufferThrowsBufferFull() {
        card.commitCapacity(64); // each one-byte store costs 1 + 4 bytes of entry overhead: 12 fit, 13 do not
        sw("800C0C00", "9000");
        byte[] big = (byte[]) card.persistentImage().get("applet.big");
        assertEquals(11, big[11]);
        sw("800C0D00", "6F00"); // the applet does not catch TransactionException(BUFFER_FULL)
        assertEquals(Hex.s(big), Hex.s((byte[]) card.persistentImage().get("applet.big")), "nothing of the overflowing transaction stays");
        assertTrue(card.peakCommitUsed() <= 64);
    }

    @Test
    void commitCapacityAndAvailableMemoryAreTheCardsFigures() {
        // max 512; 507 left after one journaled byte (1 + 4 overhead); 512 after the commit;
        // EEPROM 16384 - 294 bytes of this applet's arrays and key; RAM 2048 - 21 bytes of transient arrays and key
        assertEquals("0200" + "01FB" + "0200" + "3EDA" + "07EB" + "9000", send("800D0700"));
    }

    @Test
    void transientArraysBeyondTheCardsRamFail() {
        Card small = new Card();
        small.memory(16384, 20);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> small.install(ProbeApplet.class, Hex.b(AID), null));
        assertEquals(javacard.framework.SystemException.NO_TRANSIENT_SPACE, ((javacard.framework.SystemException) e.getCause()).getReason());
    }

    @Test
    void aPersistentKeyRollsBackWithTheTransactionATransientKeyDoesNot() {
        assertEquals("00000000000000000000000000000000" + "9000", send("800E0700"));
        assertEquals("07070707070707070707070707070707" + "9000", send("800E0701"));
    }
}

package simiot.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import simiot.jcre.PowerLoss;

/**
 * Power loss at every atomic step of an operation (Util copies, key writes,
 * transaction begin/commit): afterwards the card is in the state before or
 * after the operation, never in between.
 */
class TearTest {

    @Test
    void carrierSwitchIsAllOrNothing() {
        int tears = 0;
        for (int n = 1; n < 2000; n++) {
            SimCard c = new SimCard();
            c.startSession(false);
            byte[] frame = DownlinkTest.perform(c, 1, 7, 2);
            c.card.tearAfter(n);
            boolean completed;
            try {
                c.deliver(frame);
                completed = true;
            } catch (PowerLoss e) {
                completed = false;
                tears++;
            }
            c.card.tearAfter(0);
            if (!c.card.powered()) {
                c.card.powerOn();
                c.terminalReset();
            }
            c.select();
            byte[] st = c.status();
            boolean switched = st[10] == 2;
            if (switched) {
                assertEquals(1, SimCard.u32(st, 18), "window moved with the switch (n=" + n + ")");
                assertTrue((st[1] & 0x80) != 0, "fallback armed with the switch (n=" + n + ")");
                assertEquals(0, st[11], "previous carrier recorded (n=" + n + ")");
            } else {
                assertEquals(0, st[10]);
                assertEquals(0, SimCard.u32(st, 18), "window untouched (n=" + n + ")");
                assertEquals(0, st[1] & 0x80, "fallback not armed (n=" + n + ")");
            }
            if (!completed) {
                // the cloud resends the same frame: applied exactly once overall
                c.drain(c.send(SimCard.apdu("80100000", Hex.b(SimCard.PROFILE))));
                c.deliver(frame).expect(0x9000);
                byte[] again = c.status();
                assertEquals(2, again[10]);
                assertEquals(switched ? 1 : 0, SimCard.u16(again, 24), "replay counted only when already applied");
            } else {
                assertTrue(switched);
                break;
            }
        }
        assertTrue(tears > 5, "the sweep cut the power at every persistent write: " + tears);
    }

    @Test
    void rekeyingIsAllOrNothing() {
        byte[] newKey = Hex.b("f0e0d0c0b0a090807060504030201000");
        int tears = 0;
        for (int n = 1; n < 500; n++) {
            SimCard c = new SimCard();
            c.personalise(false);
            boolean completed = tornPut(c, n, 0x02, Hex.s(newKey));
            if (!completed) {
                tears++;
            }
            if (!c.card.powered()) {
                c.card.powerOn();
                c.terminalReset();
            }
            c.select();
            c.drain(c.send(SimCard.apdu("80100000", Hex.b(SimCard.PROFILE))));
            RefV2 fresh = new RefV2(newKey, SimCard.MODEM_ID);
            c.deliver(fresh.seal(3, 1, Hex.b("000000011010"))).expect(0x9000);
            boolean newWorks = c.status()[10] == 1;
            c.deliver(c.ref.seal(3, 2, Hex.b("000000021020"))).expect(0x9000);
            boolean oldWorks = c.status()[10] == 2;
            assertTrue(newWorks ^ oldWorks, "exactly one key set is in force (n=" + n + ")");
            if (completed) {
                assertTrue(newWorks);
                break;
            }
        }
        assertTrue(tears > 5, "tears: " + tears);
    }

    @Test
    void uplinkSequencesNeverRepeatAcrossPowerLoss() {
        SimCard c = new SimCard();
        c.startSession(false);
        Set<Long> seen = new HashSet<>();
        long last = 0;
        int tears = 0;
        for (int i = 0; i < 200; i++) {
            // The only persistent write of an uplink is the sequence reservation, made for the
            // first frame after a power-up and then every SEQ_BLOCK frames: power-cycle between
            // commands, and every other time cut the power at that reservation.
            if (i % 4 == 0) {
                c.card.powerOff();
                restart(c);
                if (i % 8 == 0) c.card.tearAfter(1);
            }
            try {
                c.submit(SimCard.reading(1, SimCard.TS, Hex.b("00000001")));
            } catch (PowerLoss e) {
                tears++;
                restart(c);
            }
            while (c.sent.size() > seen.size()) {
                long seq = c.ref.open(c.sent.get(seen.size())).seq;
                assertTrue(seq > last, "sequence grows: " + seq + " after " + last);
                last = seq;
                seen.add(seq);
            }
        }
        c.card.tearAfter(0);
        assertTrue(tears > 10, "tears: " + tears);
        assertTrue(seen.size() > 60);
    }

    /**
     * A re-keying resets the downlink window in the same transaction: a tear must
     * never leave the old keys in force with the window wiped, or an old downlink
     * frame would be accepted again.
     */
    @Test
    void aTornRekeyingNeverReopensTheReplayWindow() {
        byte[] newKey = Hex.b("f0e0d0c0b0a090807060504030201000");
        int tears = 0;
        for (int n = 1; n < 500; n++) {
            SimCard c = new SimCard();
            c.startSession(false);
            byte[] toCarrier2 = DownlinkTest.perform(c, 1, 7, 2);
            c.deliver(toCarrier2).expect(0x9000);
            c.deliver(DownlinkTest.perform(c, 2, 8, 1)).expect(0x9000);
            assertEquals(1, c.status()[10]);
            boolean completed = tornPut(c, n, 0x02, Hex.s(newKey));
            if (!completed) {
                tears++;
            }
            if (!c.card.powered()) {
                restart(c);
            } else {
                c.drain(c.send(SimCard.apdu("80100000", Hex.b(SimCard.PROFILE))));
            }
            c.deliver(toCarrier2).expect(0x9000);
            assertEquals(1, c.status()[10], "an old downlink frame was accepted again (n=" + n + ")");
            if (completed) {
                // the largest transaction of the applet (re-keying) fits the small cards' 256-byte commit buffers
                assertTrue(c.card.peakCommitUsed() <= 256, "commit buffer used: " + c.card.peakCommitUsed());
                break;
            }
        }
        assertTrue(tears > 5, "tears: " + tears);
    }

    /** An endpoint change is one transaction: after a tear the card holds the old or the new endpoint, whole. */
    @Test
    void aTornEndpointChangeLeavesTheOldOrTheNewEndpoint() {
        String old = "210A000001" + "000000000000000000000000" + "1388";
        String fresh = "210A000002" + "000000000000000000000000" + "1389";
        int tears = 0;
        for (int n = 1; n < 200; n++) {
            SimCard c = new SimCard();
            c.personalise(false);
            boolean completed = tornPut(c, n, 0x03, "210A0000021389");
            if (!completed) {
                tears++;
            }
            if (!c.card.powered()) {
                c.card.powerOn();
            }
            c.select();
            String now = Hex.s(java.util.Arrays.copyOfRange(c.status(), 39, 58));
            assertTrue(now.equalsIgnoreCase(old) || now.equalsIgnoreCase(fresh), "endpoint after a tear at write " + n + ": " + now);
            if (completed) {
                assertTrue(now.equalsIgnoreCase(fresh));
                break;
            }
        }
        assertTrue(tears > 2, "tears: " + tears);
    }

    /** PUT DATA with the power cut before the card's n-th persistent write; true when the command completed. */
    private static boolean tornPut(SimCard c, int n, int object, String data) {
        c.card.tearAfter(n);
        try {
            c.put(object, data, 0x9000);
            return true;
        } catch (PowerLoss e) {
            return false;
        } finally {
            c.card.tearAfter(0);
        }
    }

    private static void restart(SimCard c) {
        c.card.powerOn();
        c.terminalReset();
        c.select();
        c.drain(c.send(SimCard.apdu("80100000", Hex.b(SimCard.PROFILE))));
    }
}

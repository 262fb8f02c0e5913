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
        assertTrue(tears > 20, "the sweep cut the power at many steps: " + tears);
    }

    @Test
    void rekeyingIsAllOrNothing() {
        byte[] newKey = Hex.b("f0e0d0c0b0a090807060504030201000");
        int tears = 0;
        for (int n = 1; n < 500; n++) {
            SimCard c = new SimCard();
            c.personalise(false);
            c.card.tearAfter(n);
            boolean completed = true;
            try {
                c.put(0x02, Hex.s(newKey), 0x9000);
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
        for (int i = 0; i < 120; i++) {
            if (i % 3 == 0) c.card.tearAfter(1 + (i * 7) % 40);
            try {
                c.submit(SimCard.reading(1, SimCard.TS, Hex.b("00000001")));
            } catch (PowerLoss e) {
                tears++;
                c.card.powerOn();
                c.terminalReset();
                c.select();
                c.drain(c.send(SimCard.apdu("80100000", Hex.b(SimCard.PROFILE))));
            }
            c.card.tearAfter(0);
            while (c.sent.size() > seen.size()) {
                long seq = c.ref.open(c.sent.get(seen.size())).seq;
                assertTrue(seq > last, "sequence grows: " + seq + " after " + last);
                last = seq;
                seen.add(seq);
            }
        }
        assertTrue(tears > 10, "tears: " + tears);
        assertTrue(seen.size() > 60);
    }
}

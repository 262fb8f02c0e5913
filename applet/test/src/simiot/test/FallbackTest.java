package simiot.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Carrier fallback: TIMER MANAGEMENT after a switch, expiry by ENVELOPE D7, report with command id 0. */
class FallbackTest {
    static final String EXPIRY = "80C200000ED70C82028281A40101A503005000";

    static SimCard switched() {
        SimCard c = new SimCard();
        c.startSession(false);
        c.deliver(DownlinkTest.perform(c, 1, 9, 1)).expect(0x9000);
        assertEquals(1, c.status()[10]);
        return c;
    }

    @Test
    void expiryWithoutDownlinkSwitchesBackAndReports() {
        SimCard c = switched();
        int before = c.proactiveLog.size();
        c.drain(c.send(EXPIRY)).expect(0x9000);
        assertEquals(List.of("CLOSE:0", "REFRESH:3", "OPEN:1", "SEND:1"), c.proactiveLog.subList(before, c.proactiveLog.size()));
        byte[] st = c.status();
        assertEquals(0, st[10], "back on AT&T");
        assertEquals(0, st[1] & 0x80, "disarmed");
        RefV2.Opened r = c.ref.open(c.sent.get(c.sent.size() - 1));
        assertEquals(4, r.kind);
        assertEquals("00000000" + "1100", Hex.s(r.plain), "unsolicited report: command id 0, ACK, AT&T");
        // a second expiry does nothing
        c.send(EXPIRY).expect(0x9000);
        assertEquals(0, c.status()[10]);
    }

    @Test
    void authenticatedDownlinkBeforeExpiryKeepsTheNewCarrier() {
        SimCard c = switched();
        c.deliver(c.ref.seal(2, 2, Hex.b("000000010000000000000000"))).expect(0x9000);
        assertEquals("TIMER:1", c.proactiveLog.get(c.proactiveLog.size() - 1));
        c.send(EXPIRY).expect(0x9000);
        assertEquals(1, c.status()[10]);
    }

    @Test
    void forgedDownlinkDoesNotDisarm() {
        SimCard c = switched();
        byte[] f = c.ref.seal(2, 2, Hex.b("000000010000000000000000"));
        f[f.length - 1] ^= 1;
        c.deliver(f).expect(0x9000);
        assertTrue((c.status()[1] & 0x80) != 0);
        c.drain(c.send(EXPIRY)).expect(0x9000);
        assertEquals(0, c.status()[10]);
    }

    @Test
    void armedFallbackSurvivesPowerLossAndRestartsTheTimer() {
        SimCard c = switched();
        c.card.powerOff();
        c.card.powerOn();
        c.proactiveLog.clear();
        c.select();
        c.drain(c.send(SimCard.apdu("80100000", Hex.b(SimCard.PROFILE)))).expect(0x9000);
        assertEquals(List.of("EVENTS:0", "OPEN:1", "TIMER:0"), c.proactiveLog);
        assertEquals(1, c.status()[10]);
        c.drain(c.send(EXPIRY)).expect(0x9000);
        assertEquals(0, c.status()[10]);
    }

    @Test
    void fallbackTimeIsConfigurable() {
        SimCard c = new SimCard();
        c.personalise(false);
        c.authenticate(SimCard.TRANSPORT_KEY);
        c.put(0x08, "0E11", 0x9000); // 3601 s = 01:00:01
        c.drain(c.send(SimCard.apdu("80100000", Hex.b(SimCard.PROFILE))));
        c.deliver(DownlinkTest.perform(c, 1, 9, 2));
        String timer = Hex.s(c.proactiveRaw.get(c.proactiveRaw.size() - 1));
        assertTrue(timer.endsWith("a503100010"), timer);
    }
}

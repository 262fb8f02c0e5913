package simiot.test;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A card personalised as legacy speaks the seed's v1 packets, one per datagram, unauthenticated. */
class LegacyModeTest {

    @Test
    void readingsBecomeV1IotDataDatagrams() {
        SimCard c = new SimCard();
        c.startSession(true);
        byte[] r1 = SimCard.reading(1, "57eaaba800078900", Hex.b("0000002a"));
        byte[] r2 = SimCard.reading(3, "57eaaba800078900", Hex.b("00000960"));
        c.submit(Hex.cat(r1, r2)).expect(0x9000);
        assertEquals(2, c.sent.size());
        // docs/protocol.md example: IoT Data, device 1, 2026-11-24T10:00:00.123456, data 42
        assertEquals("00" + "00000001" + "57eaaba800078900" + "04" + "0000002a", Hex.s(c.sent.get(0)));
        assertEquals("00" + Hex.s(r2), Hex.s(c.sent.get(1)));
        c.send("80D00000").expect(0x6700);
    }

    @Test
    void v1PerformSwitchesAndAnswersV1Ack() {
        SimCard c = new SimCard();
        c.startSession(true);
        c.deliver(Hex.b("1020")).expect(0x9000);
        assertEquals("1102", Hex.s(c.sent.get(0)));
        assertEquals(2, c.status()[10]);
        c.drain(c.send(FallbackTest.EXPIRY)).expect(0x9000);
        assertEquals("1100", Hex.s(c.sent.get(1)), "fallback report as a v1 ACK: AT&T again");
        c.deliver(Hex.b("10f0")).expect(0x9000);
        assertEquals("1110", Hex.s(c.sent.get(2)), "NACK, still AT&T");
        c.deliver(Hex.b("1021")).expect(0x9000);
        c.deliver(c.ref.seal(3, 1, Hex.b("000000071010"))).expect(0x9000);
        assertEquals(2, SimCard.u16(c.status(), 26), "malformed v1 and a v2 frame are counted");
        assertEquals(3, c.sent.size());
        assertEquals(List.of("EVENTS:0", "OPEN:1"), c.proactiveLog.subList(0, 2));
    }
}

package simiot.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The whole toolkit session, with every frame checked by the independent v2 implementation. */
class ToolkitSessionTest {

    @Test
    void terminalProfileOpensTheChannelWithTheWorkedExampleBytes() {
        SimCard c = new SimCard();
        c.personalise(false);
        c.send(SimCard.apdu("80100000", Hex.b(SimCard.PROFILE))).expect(0x910F);
        // first the event list, so that the terminal reports data available and channel status
        assertEquals("d00d810301050082028182990209" + "0a", Hex.s(c.send("801200000F").expect(0x9000).data));
        c.send("801400000C810301050082028281830100").expect(0x911E);
        SimCard.Resp open = c.send("801200001E").expect(0x9000);
        // protocol-facts 1.7 step 1: UDP to 10.0.0.1:5000, default bearer, buffer 1500 (command number 2 here)
        assertEquals("d01c8103024001820281823501033902 05dc3c030113883e05210a000001".replace(" ", ""), Hex.s(open.data));
        c.send("80140000178103024001820282818301003802810035010339020 5DC".replace(" ", "")).expect(0x9000);
        byte[] st = c.status();
        assertEquals(1, st[32], "session active");
        assertEquals(1, st[33], "channel id");
    }

    @Test
    void fullSessionUplinkDownlinkSwitchRefreshResult() {
        SimCard c = new SimCard();
        c.startSession(false);
        assertEquals(List.of("EVENTS:0", "OPEN:1"), c.proactiveLog);

        // uplink: two readings become one kind-01 frame sent with SEND DATA (send immediately)
        byte[] r1 = SimCard.reading(1, SimCard.TS, Hex.b("0000002a000000010000ffff"));
        byte[] r2 = SimCard.reading(3, SimCard.TS, Hex.b("00000960"));
        c.submit(Hex.cat(r1, r2)).expect(0x9000);
        assertEquals("SEND:1", c.proactiveLog.get(2));
        assertEquals(1, c.sent.size());
        RefV2.Opened up = c.ref.open(c.sent.get(0));
        assertEquals(1, up.kind);
        assertEquals(1, up.seq);
        assertArrayEquals(Hex.cat(new byte[]{0}, r1, new byte[]{0}, r2), up.plain);

        // downlink: Perform Verizon, command id 7
        byte[] perform = c.ref.seal(3, 1, Hex.b("00000007" + "1020"));
        c.deliver(perform).expect(0x9000);
        assertEquals(List.of("EVENTS:0", "OPEN:1", "SEND:1", "RECEIVE:0", "CLOSE:0", "REFRESH:3", "OPEN:1", "SEND:1", "TIMER:0"), c.proactiveLog);
        byte[] st = c.status();
        assertEquals(2, st[10], "carrier is Verizon");
        assertEquals(0, st[11], "previous carrier AT&T");
        assertTrue((st[1] & 0x80) != 0, "fallback armed");

        assertEquals(2, c.sent.size());
        RefV2.Opened result = c.ref.open(c.sent.get(1));
        assertEquals(4, result.kind);
        assertEquals(2, result.seq);
        assertEquals("00000007" + "1102", Hex.s(result.plain), "ACK, Verizon");

        // the timer start carries 5 minutes in semi-octets: 00 50 00
        byte[] timer = c.proactiveRaw.get(c.proactiveRaw.size() - 1);
        assertEquals("a40101a503005000", Hex.s(Arrays.copyOfRange(timer, timer.length - 8, timer.length)));

        // the cloud acknowledges uplinks 1 and 2: the card verifies it, disarms the fallback, hands the ack over
        byte[] ack = c.ref.seal(2, 2, Hex.b("00000002" + "0000000000000001"));
        c.deliver(ack).expect(0x9000);
        assertEquals("TIMER:1", c.proactiveLog.get(c.proactiveLog.size() - 1));
        assertEquals("000000020000000000000001", Hex.s(c.send("80A200000C").expect(0x9000).data));
        c.send("80A200000C").expect(0x6A88);
        st = c.status();
        assertEquals(0, st[1] & 0x80, "fallback disarmed");
        assertEquals(2, SimCard.u32(st, 18), "downlink highest");
    }

    @Test
    void largeBatchIsSentInTwoChunksStoreThenSend() {
        SimCard c = new SimCard();
        c.startSession(false);
        byte[] batch = new byte[0];
        for (int i = 0; i < 9; i++) batch = Hex.cat(batch, SimCard.reading(1, SimCard.TS, Hex.b("0000000100000002000000030000000400000005")));
        assertEquals(9 * 33, batch.length > 255 ? 9 * 33 : batch.length);
    }
}

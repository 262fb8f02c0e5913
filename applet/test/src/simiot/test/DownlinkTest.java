package simiot.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Downlink frames: verification, replay window, malformed input, NACK, acknowledgements. */
class DownlinkTest {

    static SimCard session() {
        SimCard c = new SimCard();
        c.startSession(false);
        return c;
    }

    static int carrier(SimCard c) {
        return c.status()[10];
    }

    static int counter(SimCard c, int off) {
        return SimCard.u16(c.status(), off);
    }

    static final int BAD_MAC = 22, REPLAYED = 24, MALFORMED = 26;

    static byte[] perform(SimCard c, long seq, long cmd, int carrier) {
        return c.ref.seal(3, seq, Hex.cat(SimCard.u32b(cmd), new byte[]{0x10, (byte) (carrier << 4)}));
    }

    /** Delivers and asserts that nothing changed but one counter. */
    static void rejected(SimCard c, byte[] frame, int counterOffset) {
        rejected(c, frame, counterOffset, 1);
    }

    static void rejected(SimCard c, byte[] frame, int counterOffset, int receives) {
        byte[] before = c.status();
        int proactive = c.proactiveLog.size();
        c.deliver(frame).expect(0x9000);
        byte[] after = c.status();
        assertEquals(java.util.Collections.nCopies(receives, "RECEIVE:0"), c.proactiveLog.subList(proactive, c.proactiveLog.size()), "only RECEIVE DATA");
        assertEquals(SimCard.u16(before, counterOffset) + 1, SimCard.u16(after, counterOffset));
        before[counterOffset] = after[counterOffset];
        before[counterOffset + 1] = after[counterOffset + 1];
        assertEquals(Hex.s(before), Hex.s(after), "nothing else changed");
    }

    @Test
    void forgedTagIsCountedAndChangesNothing() {
        SimCard c = session();
        byte[] f = perform(c, 1, 7, 2);
        for (int i : new int[]{0 + 14, f.length - 1, 12}) {
            byte[] bad = f.clone();
            bad[i] ^= 0x01;
            rejected(c, bad, i == 12 ? BAD_MAC : BAD_MAC);
        }
        assertEquals(0, carrier(c));
    }

    @Test
    void frameSealedWithUplinkKeysIsRejected() {
        SimCard c = session();
        byte[] reflected = c.ref.seal(1, 5, Hex.b("000000071020"));
        reflected[1] = 3; // claims to be a command, but the tag was made with the uplink key
        rejected(c, reflected, BAD_MAC);
    }

    @Test
    void replayIsCountedAndOutOfOrderInsideTheWindowIsAccepted() {
        SimCard c = session();
        c.deliver(perform(c, 10, 1, 1)).expect(0x9000);
        assertEquals(1, carrier(c));
        rejected(c, perform(c, 10, 1, 1), REPLAYED);
        c.deliver(perform(c, 5, 2, 2)).expect(0x9000);      // older but inside the window, not seen
        assertEquals(2, carrier(c));
        rejected(c, perform(c, 5, 2, 2), REPLAYED);
        c.deliver(perform(c, 80, 3, 0)).expect(0x9000);     // far ahead: the window slides
        assertEquals(0, carrier(c));
        rejected(c, perform(c, 15, 4, 1), REPLAYED);         // 65 below 80: outside the window
        c.deliver(perform(c, 16, 5, 1)).expect(0x9000);     // 64 below 80: the last slot of the window
        assertEquals(1, carrier(c));
        rejected(c, perform(c, 0, 6, 2), REPLAYED);          // sequence 0 is never valid
        assertEquals(80, SimCard.u32(c.status(), 18));
    }

    @Test
    void malformedFramesAreCounted() {
        SimCard c = session();
        byte[] good = perform(c, 1, 7, 2);
        rejected(c, Arrays.copyOf(good, 21), MALFORMED);                         // shorter than the overhead
        byte[] magic = good.clone();
        magic[0] = (byte) 0xA3;
        rejected(c, magic, MALFORMED);
        rejected(c, new RefV2(SimCard.MASTER_KEY, Hex.b("00000000000004d3")).seal(3, 1, Hex.b("000000071020")), MALFORMED); // another modem
        rejected(c, c.ref.seal(1, 1, Hex.b("000000071020")), MALFORMED);          // uplink kind on the downlink
        rejected(c, c.ref.seal(3, 2, Hex.b("000000001020")), MALFORMED);          // command id 0
        rejected(c, c.ref.seal(3, 3, Hex.b("000000071120")), MALFORMED);          // not a Perform
        rejected(c, c.ref.seal(3, 4, Hex.b("000000071021")), MALFORMED);          // padding nibble
        rejected(c, c.ref.seal(3, 5, Hex.b("000000071030")), MALFORMED);          // carrier 3 does not exist
        rejected(c, c.ref.seal(3, 6, Hex.b("00000007102000")), MALFORMED);        // trailing byte
        rejected(c, c.ref.seal(2, 7, Hex.b("00000001")), MALFORMED);              // short ack
        rejected(c, c.ref.seal(2, 8, Hex.b("000000090000000000000000")), MALFORMED); // acks a frame never sent
        rejected(c, new byte[300], MALFORMED, 2);                                 // too big for the card: two RECEIVE DATA
        assertEquals(0, SimCard.u32(c.status(), 18), "no malformed frame moved the window");
        c.deliver(good).expect(0x9000);
        assertEquals(2, carrier(c), "the genuine frame still works");
    }

    @Test
    void unsubscribedCarrierIsNackWithTheCarrierUnchanged() {
        SimCard c = session();
        int before = c.proactiveLog.size();
        c.deliver(perform(c, 1, 42, 0xF)).expect(0x9000);
        assertEquals(List.of("RECEIVE:0", "SEND:1"), c.proactiveLog.subList(before, c.proactiveLog.size()));
        RefV2.Opened r = c.ref.open(c.sent.get(0));
        assertEquals(4, r.kind);
        assertEquals("0000002a" + "1110", Hex.s(r.plain), "NACK, AT&T");
        assertEquals(0, carrier(c));
        assertEquals(1, SimCard.u32(c.status(), 18), "the authenticated command moved the window");
    }

    @Test
    void switchToTheCurrentCarrierIsAckWithoutRefresh() {
        SimCard c = session();
        int before = c.proactiveLog.size();
        c.deliver(perform(c, 1, 3, 0)).expect(0x9000);
        assertEquals(List.of("RECEIVE:0", "SEND:1"), c.proactiveLog.subList(before, c.proactiveLog.size()));
        assertEquals("00000003" + "1100", Hex.s(c.ref.open(c.sent.get(0)).plain));
        assertEquals(0, c.status()[1] & 0x80, "no fallback armed");
    }

    @Test
    void acknowledgementIsHandedToTheTerminalOnlyWhenGenuine() {
        SimCard c = session();
        for (int i = 0; i < 3; i++) c.submit(SimCard.reading(1, SimCard.TS, Hex.b("00000001"))).expect(0x9000);
        assertEquals(3, c.ref.open(c.sent.get(2)).seq);
        c.send("80A200000C").expect(0x6A88);
        byte[] forged = c.ref.seal(2, 1, Hex.b("000000030000000000000003"));
        forged[20] ^= 1;
        c.deliver(forged).expect(0x9000);
        c.send("80A200000C").expect(0x6A88);
        c.deliver(c.ref.seal(2, 1, Hex.b("000000030000000000000003"))).expect(0x9000);
        c.send("80A2000008").expect(0x6C0C);
        assertEquals("000000030000000000000003", Hex.s(c.send("80A200000C").expect(0x9000).data));
        c.send("80A2010000").expect(0x6A86);
    }

    @Test
    void twoQueuedDatagramsAreReadAndVerifiedSeparately() {
        SimCard c = session();
        int before = c.proactiveLog.size();
        c.deliver(perform(c, 1, 11, 1), perform(c, 2, 12, 2)).expect(0x9000);
        byte[] st = c.status();
        assertEquals(2, st[10], "both commands were applied, in order");
        assertEquals(0, SimCard.u16(st, 22) + SimCard.u16(st, 26), "no datagram was glued to the other");
        assertEquals(2, c.proactiveLog.subList(before, c.proactiveLog.size()).stream().filter(s -> s.startsWith("RECEIVE")).count());
        assertEquals("0000000c1102", Hex.s(c.ref.open(c.sent.get(c.sent.size() - 1)).plain));
    }

    @Test
    void datagramOverSeveralReceiveDataIsReassembled() {
        SimCard c = session();
        // an ack frame is 34 bytes; make the terminal hand it over 10 bytes at a time by announcing 10
        byte[] ack = c.ref.seal(2, 1, Hex.b("000000010000000000000000"));
        c.submit(new byte[0]);
        int before = c.proactiveLog.size();
        c.deliver(ack).expect(0x9000);
        assertEquals(1, c.proactiveLog.size() - before);
        assertTrue(c.send("80A200000C").sw == 0x9000);
    }
}

package simiot.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import simiot.jcre.PowerLoss;

/**
 * SUBMIT COMPACT: the card fills one v3 frame across APDUs, seals it when asked
 * or full, keeps the order with v2 frames, refuses bad framing, and loses the
 * open frame whole (no sequence spent) when the power goes.
 */
class CompactFrameTest {

    /** One compact block of n readings of device 1 with three int16 values: 9 + 10 n bytes. */
    static byte[] block(int n, int first) {
        byte[] b = new byte[9 + 10 * n];
        System.arraycopy(Hex.b("00064f3ad5f3c480"), 0, b, 0, 8);
        b[8] = (byte) n;
        for (int i = 0; i < n; i++) {
            int o = 9 + 10 * i;
            b[o] = 1;
            b[o + 1] = 0x43; // int16, three values
            b[o + 3] = 100; // 100 us after the previous reading
            b[o + 5] = (byte) (first + i);
        }
        return b;
    }

    static SimCard session() {
        SimCard c = new SimCard();
        c.startSession(false);
        return c;
    }

    static RefV2.Opened last(SimCard c) {
        byte[] frame = c.sent.get(c.sent.size() - 1);
        assertEquals(0xA3, frame[0] & 0xFF, "a v3 frame");
        return c.ref.open(frame);
    }

    @Test
    void oneFrameIsFilledAcrossSubmitsAndSealedOnRequest() {
        SimCard c = session();
        byte[] a = block(10, 0);
        byte[] b = block(5, 10);
        c.submitCompact(0x00, a).expect(0x9000);
        assertEquals(0, c.sent.size(), "nothing leaves while the frame is open");
        c.submitCompact(0x01, b).expect(0x9000);
        assertEquals(1, c.sent.size());
        RefV2.Opened f = last(c);
        assertEquals(1, f.kind);
        assertEquals(1, f.seq);
        assertArrayEquals(Hex.cat(a, b), f.plain);
    }

    @Test
    void aFullFrameIsSealedAndTheNextOneStarted() {
        SimCard c = session();
        byte[] a = block(20, 0); // 209 bytes
        byte[] b = block(20, 20);
        byte[] d = block(20, 40);
        c.submitCompact(0x00, a).expect(0x9000);
        c.submitCompact(0x00, b).expect(0x9000);
        assertEquals(0, c.sent.size());
        c.submitCompact(0x00, d).expect(0x9000); // 627 > 452: a and b leave, d opens the next frame
        assertEquals(1, c.sent.size());
        assertArrayEquals(Hex.cat(a, b), last(c).plain);
        assertEquals(2, c.proactiveLog.stream().filter(s -> s.startsWith("SEND")).count(), "two SEND DATA chunks: " + c.proactiveLog);
        c.submitCompact(0x01, new byte[0]).expect(0x9000);
        assertArrayEquals(d, last(c).plain);
        assertEquals(2, last(c).seq);
    }

    @Test
    void exactlyFullSealsAtOnce() {
        SimCard c = session();
        byte[] a = block(24, 0); // 249 bytes
        byte[] b = java.util.Arrays.copyOf(block(19, 24), 203); // 199 bytes and one reading without values (device 2)
        b[8] = 20;
        b[199] = 2;
        c.submitCompact(0x00, a).expect(0x9000);
        c.submitCompact(0x00, b).expect(0x9000);
        assertEquals(1, c.sent.size(), "452 bytes: sealed without being asked");
        assertEquals(474, c.sent.get(0).length);
    }

    @Test
    void aV2SubmitSealsTheOpenFrameFirstSoReadingsKeepTheirOrder() {
        SimCard c = session();
        c.submitCompact(0x00, block(3, 0)).expect(0x9000);
        c.submit(SimCard.reading(3, SimCard.TS, new byte[]{0, 0, 9, 38})).expect(0x9000);
        assertEquals(2, c.sent.size());
        assertEquals(0xA3, c.sent.get(0)[0] & 0xFF);
        assertEquals(0xA2, c.sent.get(1)[0] & 0xFF);
        assertEquals(1, c.ref.open(c.sent.get(0)).seq);
        assertEquals(2, c.ref.open(c.sent.get(1)).seq);
    }

    @Test
    void badFramingIs6A80AndLeavesTheOpenFrameAsItWas() {
        SimCard c = session();
        byte[] a = block(2, 0);
        c.submitCompact(0x00, a).expect(0x9000);
        byte[] cut = block(2, 5);
        c.submitCompact(0x01, java.util.Arrays.copyOf(cut, cut.length - 1)).expect(0x6A80);
        c.submitCompact(0x01, Hex.b("00064f3ad5f3c48000")).expect(0x6A80); // a block of no readings
        assertEquals(0, c.sent.size());
        c.submitCompact(0x01, new byte[0]).expect(0x9000);
        assertArrayEquals(a, last(c).plain);
    }

    @Test
    void aNewFrameDiscardsWhatWasOpen() {
        SimCard c = session();
        c.submitCompact(0x00, block(4, 0)).expect(0x9000);
        byte[] b = block(2, 9);
        c.submitCompact(0x03, b).expect(0x9000);
        assertArrayEquals(b, last(c).plain);
        assertEquals(1, c.sent.size());
    }

    @Test
    void noRoomForTheFrameIs6A84AndChangesNothing() {
        SimCard c = session();
        // The terminal does not fetch: sealed frames (273 bytes each in the 640-byte queue) stay in the card.
        assertEquals(0x9100, c.send(SimCard.apdu("80D40100", block(24, 0))).sw & 0xFF00);
        assertEquals(0x9100, c.send(SimCard.apdu("80D40100", block(24, 24))).sw & 0xFF00);
        byte[] b = block(24, 48);
        assertEquals(0x6A84, c.send(SimCard.apdu("80D40100", b)).sw);
        assertEquals(0x9100, c.send(SimCard.apdu("80D40000", b)).sw & 0xFF00, "opening needs no room in the queue");
        c.drain(c.pending()).expect(0x9000);
        assertEquals(2, c.sent.size());
        c.submitCompact(0x01, new byte[0]).expect(0x9000);
        assertEquals(3, c.sent.size());
        assertArrayEquals(b, last(c).plain, "the refused SUBMIT left the open frame as it was");
        assertEquals(3, last(c).seq);
    }

    @Test
    void aLegacyCardRefusesCompactReadings() {
        SimCard c = new SimCard();
        c.startSession(true);
        c.send(SimCard.apdu("80D40100", block(1, 0))).expect(0x6985);
    }

    @Test
    void aResetDropsTheOpenFrameWholeAndSpendsNoSequence() {
        SimCard c = session();
        c.submitCompact(0x00, block(5, 0)).expect(0x9000);
        long next = SimCard.u32(c.status(), 14);
        c.card.reset();
        c.terminalReset();
        c.select();
        c.drain(c.send(SimCard.apdu("80100000", Hex.b(SimCard.PROFILE))));
        assertEquals(next, SimCard.u32(c.status(), 14), "no sequence number was spent on the open frame");
        byte[] b = block(2, 50);
        c.submitCompact(0x01, b).expect(0x9000);
        assertArrayEquals(b, last(c).plain, "nothing of the frame open before the reset");
        assertEquals(1, c.sent.size());
    }

    /**
     * Power loss at every persistent write of a SUBMIT COMPACT that seals a frame
     * filled across two APDUs (the sequence reservation): afterwards the open frame
     * is gone whole or its frame left whole, and no sequence number repeats.
     */
    @Test
    void powerLossWhileSealingAFrameFilledAcrossSubmits() {
        int tears = 0;
        for (int n = 1; n < 200; n++) {
            SimCard c = session();
            byte[] a = block(6, 0);
            byte[] b = block(6, 6);
            c.submitCompact(0x00, a).expect(0x9000);
            c.card.tearAfter(n);
            boolean completed;
            try {
                c.submitCompact(0x01, b);
                completed = true;
            } catch (PowerLoss e) {
                completed = false;
                tears++;
            }
            c.card.tearAfter(0);
            Set<Long> seqs = new HashSet<>();
            for (byte[] f : c.sent) {
                RefV2.Opened o = c.ref.open(f);
                assertTrue(seqs.add(o.seq));
                assertArrayEquals(Hex.cat(a, b), o.plain, "a frame leaves whole (n=" + n + ")");
            }
            if (!c.card.powered()) {
                c.card.powerOn();
                c.terminalReset();
            }
            c.select();
            c.drain(c.send(SimCard.apdu("80100000", Hex.b(SimCard.PROFILE))));
            // The agent submits what it has no sealed frame for again, into a new frame.
            c.submitCompact(0x03, Hex.cat(a, b)).expect(0x9000);
            RefV2.Opened again = last(c);
            assertArrayEquals(Hex.cat(a, b), again.plain);
            assertTrue(seqs.add(again.seq), "sequence " + again.seq + " never repeats (n=" + n + ")");
            if (completed) {
                assertTrue(tears > 0, "the loop tore at least once before completing");
                return;
            }
        }
        throw new AssertionError("the sealing SUBMIT never completed");
    }
}

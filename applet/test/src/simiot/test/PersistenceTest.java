package simiot.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The persistent image: file round trip, sequence block reservation, what a reset clears. */
class PersistenceTest {

    @Test
    void cardSurvivesAHostRestartThroughItsStateFile(@TempDir Path dir) throws Exception {
        SimCard a = new SimCard();
        a.startSession(false);
        for (int i = 0; i < 3; i++) a.submit(SimCard.reading(1, SimCard.TS, Hex.b("00000001")));
        a.deliver(DownlinkTest.perform(a, 1, 5, 2)).expect(0x9000);
        byte[] before = a.status();
        before[1] &= ~0x40; // the admin session of the personalisation is RAM, gone after power-up
        Path file = dir.resolve("card.bin");
        a.card.save(file);
        assertEquals(true, Files.size(file) > 100);

        SimCard b = new SimCard(); // a new JVM-side card: fresh install, then the saved memory
        b.card.load(file);
        b.select();
        byte[] after = b.status();
        assertEquals(Hex.s(Arrays.copyOfRange(before, 0, 14)), Hex.s(Arrays.copyOfRange(after, 0, 14)), "flags, modem id, carriers, subscriptions");
        assertEquals(SimCard.u32(before, 18), SimCard.u32(after, 18), "downlink window");
        assertEquals(33, SimCard.u32(after, 14), "the next uplink sequence starts after the reserved block");
        assertEquals(0, after[32], "no session after power-up");
        b.drain(b.send(SimCard.apdu("80100000", Hex.b(SimCard.PROFILE))));
        b.deliver(DownlinkTest.perform(b, 1, 5, 2)).expect(0x9000);
        assertEquals(1, SimCard.u16(b.status(), 24), "the window survived: replay detected");
        b.deliver(DownlinkTest.perform(b, 2, 6, 1)).expect(0x9000);
        RefV2.Opened r = b.ref.open(b.sent.get(b.sent.size() - 1));
        assertEquals(33, r.seq);
        assertEquals("00000006" + "1101", Hex.s(r.plain));
    }

    @Test
    void uplinkFramesWriteEepromOncePerBlockOf32() {
        SimCard c = new SimCard();
        c.startSession(false);
        int writes = 0;
        Map<String, Object> img = c.card.persistentImage();
        for (int i = 1; i <= 70; i++) {
            c.submit(SimCard.reading(1, SimCard.TS, Hex.b("00000001")));
            Map<String, Object> now = c.card.persistentImage();
            if (!simiot.jcre.StateCodec.equal(img, now)) writes++;
            img = now;
        }
        assertEquals(3, writes, "blocks reserved at frames 1, 33 and 65");
        assertEquals(70, c.ref.open(c.sent.get(69)).seq);
    }

    @Test
    void resetClearsSessionAndCounters() {
        SimCard c = new SimCard();
        c.startSession(false);
        byte[] bad = DownlinkTest.perform(c, 1, 1, 1);
        bad[15] ^= 1;
        c.deliver(bad);
        assertEquals(1, SimCard.u16(c.status(), 22));
        c.card.reset();
        c.select();
        byte[] st = c.status();
        assertEquals(0, SimCard.u16(st, 22), "counters are RAM: an attacker cannot wear the EEPROM");
        assertEquals(0, st[32]);
        assertNotEquals(0, st[1] & 0x10, "still locked");
    }
}

package simiot.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** TERMINAL PROFILE, FETCH, TERMINAL RESPONSE, ENVELOPE and SUBMIT: normal and error paths. */
class ToolkitCommandsTest {

    @Test
    void noSessionBeforeLock() {
        SimCard c = new SimCard();
        c.select();
        c.send(SimCard.apdu("80100000", Hex.b(SimCard.PROFILE))).expect(0x9000);
        c.send("8012000010").expect(0x6985);
        c.send("801400000C810301400182028281830100").expect(0x6985);
        c.send("80C2000009D607990109B8028100").expect(0x6985);
        c.send(SimCard.apdu("80D00000", SimCard.reading(1, SimCard.TS, Hex.b("00000001")))).expect(0x6985);
        assertEquals(0, c.status()[32]);
    }

    @Test
    void profileWithoutBipStartsNoSession() {
        SimCard c = new SimCard();
        c.personalise(false);
        c.send("8010000003FFFFFF").expect(0x9000);
        c.send(SimCard.apdu("80100000", Hex.b(SimCard.PROFILE.substring(0, 22) + "0E" + SimCard.PROFILE.substring(24)))).expect(0x9000);
        c.send("80100000").expect(0x6700);
        c.send("8012000000").expect(0x6985);
    }

    @Test
    void fetchReturnsTheSameCommandUntilItsTerminalResponse() {
        SimCard c = new SimCard();
        c.personalise(false);
        c.send(SimCard.apdu("80100000", Hex.b(SimCard.PROFILE))).expect(0x910F);
        c.answer(c.send("801200000F").expect(0x9000).data).expect(0x911E); // SET UP EVENT LIST done
        c.send("8012000010").expect(0x6C1E);
        byte[] a = c.send("801200001E").expect(0x9000).data;
        byte[] b = c.send("8012000000").expect(0x9000).data;
        assertArrayEquals(a, b);
        c.send("801400000C8103FF400182028281830100").expect(0x6A80); // wrong command number
        c.send("80140000088103024001820282").expect(0x6A80);       // no Result
        c.send("80140000").expect(0x6700);
        c.send("8014000010810302400182028281830100" + "38028100").expect(0x9000);
        c.send("8014000010810302400182028281830100" + "38028100").expect(0x6985); // nothing outstanding
        assertEquals(1, c.status()[33]);
    }

    @Test
    void openChannelFailureDropsTheQueuedFrames() {
        SimCard c = new SimCard();
        c.openResult = "83023A01";
        c.personalise(false);
        c.drain(c.send(SimCard.apdu("80100000", Hex.b(SimCard.PROFILE)))).expect(0x9000);
        assertEquals(0, c.status()[33], "no channel");
        c.submit(SimCard.reading(1, SimCard.TS, Hex.b("00000001"))).expect(0x9000);
        assertEquals(List.of("EVENTS:0", "OPEN:1", "OPEN:1"), c.proactiveLog);
        byte[] st = c.status();
        assertEquals(1, SimCard.u16(st, 30), "dropped");
        assertEquals(0, c.sent.size());
        // ENVELOPE data available without a channel
        c.send("80C2000010D60E99010982028281B8028100B70105").expect(0x6985);
    }

    @Test
    void linkDroppedEventMakesTheNextSendReopen() {
        SimCard c = new SimCard();
        c.startSession(false);
        c.send("80C200000DD60B99010A82028281B8020105").expect(0x9000);
        assertEquals(0, c.status()[33]);
        c.submit(SimCard.reading(2, SimCard.TS, Hex.b("00000001"))).expect(0x9000);
        assertEquals(List.of("EVENTS:0", "OPEN:1", "OPEN:1", "SEND:1"), c.proactiveLog);
        assertEquals(1, c.sent.size());
    }

    @Test
    void framesWaitingSurviveANewTerminalProfile() {
        SimCard c = new SimCard();
        c.startSession(false);
        byte[] r = SimCard.reading(1, SimCard.TS, Hex.b("00000001"));
        c.send(SimCard.apdu("80D00000", r)).expect(0x9135); // not fetched
        c.send(SimCard.apdu("80D00000", r)).expect(0x9135);
        c.proactiveLog.clear();
        c.terminalReset();
        c.drain(c.send(SimCard.apdu("80100000", Hex.b(SimCard.PROFILE)))).expect(0x9000);
        assertEquals(List.of("CLOSE:0", "EVENTS:0", "OPEN:1", "SEND:1", "SEND:1"), c.proactiveLog, "the old channel is closed first");
        assertEquals(1, c.ref.open(c.sent.get(0)).seq);
        assertEquals(2, c.ref.open(c.sent.get(1)).seq);
        assertEquals(0, SimCard.u16(c.status(), 30), "nothing dropped");
        // a profile without BIP ends the session and drops what waits
        c.send(SimCard.apdu("80D00000", r)).expect(0x9135);
        c.send("8010000003FFFFFF").expect(0x9000);
        assertEquals(1, SimCard.u16(c.status(), 30));
    }

    @Test
    void sendFailureWithChannelClosedCountsADrop() {
        SimCard c = new SimCard();
        c.startSession(false);
        c.sendResult = "83023A02";
        c.submit(SimCard.reading(2, SimCard.TS, Hex.b("00000001"))).expect(0x9000);
        byte[] st = c.status();
        assertEquals(1, SimCard.u16(st, 30));
        assertEquals(0, st[33], "channel closed");
    }

    @Test
    void envelopeErrors() {
        SimCard c = new SimCard();
        c.startSession(false);
        c.send("80C2000003D60599").expect(0x6700);                     // length byte does not match
        c.send("80C2000004D3028201").expect(0x6A80);                   // not an event download
        c.send("80C2000005D603990109").expect(0x6A80);                 // data available without channel status
        c.send("80C2000009D607990107B8028100").expect(0x6A80);         // an event we never asked for
        c.send("80C2000010D60E99010982028281B8028200B70105").expect(0x6A80); // another channel
        c.send("80C2000005D703820282").expect(0x6A80);                 // timer expiration without id
        c.send("80C2000009D70782028281A40102").expect(0x9000); // another timer: ignored
        c.send("80C2000001D6").expect(0x6700);
    }

    @Test
    void secondDataAvailableWhileReceivingIsBusy() {
        SimCard c = new SimCard();
        c.startSession(false);
        c.send("80C2000010D60E99010982028281B8028100B70105").expect(0x910E);
        c.send("80C2000010D60E99010982028281B8028100B70105").expect(0x9300);
    }

    @Test
    void submitValidatesReadings() {
        SimCard c = new SimCard();
        c.startSession(false);
        c.send("80D000000C000000010102030405060708").expect(0x6A80);  // shorter than a reading header
        c.send(SimCard.apdu("80D00000", SimCard.reading(1, "67eab5d280007890", Hex.b("01")))).expect(0x6A80); // not a us DTS
        byte[] r = SimCard.reading(1, SimCard.TS, Hex.b("01020304"));
        r[12] = 5; // length says 5, 4 follow
        c.send(SimCard.apdu("80D00000", r)).expect(0x6A80);
        c.send("80D0010000").expect(0x6A86);
        assertEquals(0, c.sent.size());
    }

    @Test
    void emptySubmitIsAKeepalive() {
        SimCard c = new SimCard();
        c.startSession(false);
        c.submit(new byte[0]).expect(0x9000);
        RefV2.Opened f = c.ref.open(c.sent.get(0));
        assertEquals(1, f.kind);
        assertEquals(0, f.plain.length);
        assertEquals(22, c.sent.get(0).length);
        c.submit(new byte[0]);
        c.drain(c.send("80D0000000")).expect(0x9000); // the same as a case 2 APDU (Le 00), as the edge sends it
        assertEquals(3, c.ref.open(c.sent.get(2)).seq);
        assertEquals(0, c.ref.open(c.sent.get(2)).plain.length);
    }

    @Test
    void uplinkSequenceExhaustionRefusesToSend() {
        SimCard c = new SimCard();
        c.startSession(false);
        java.util.Map<String, Object> image = c.card.persistentImage();
        String path = image.keySet().stream().filter(k -> k.endsWith("store.state")).findFirst().orElseThrow();
        byte[] state = ((byte[]) image.get(path)).clone();
        System.arraycopy(Hex.b("fffffff0"), 0, state, 9, 4); // P_SEQ_LIMIT
        image.put(path, state);
        c.card.restoreImage(image);
        c.card.reset();
        c.select();
        c.drain(c.send(SimCard.apdu("80100000", Hex.b(SimCard.PROFILE))));
        c.send("80D00000").expect(0x6985);
        assertEquals(0, c.sent.size());
        assertEquals(0xfffffff0L, SimCard.u32(c.status(), 14));
    }

    @Test
    void bigBatchIsSentAsStoreThenSend() {
        SimCard c = new SimCard();
        c.startSession(false);
        byte[] batch = new byte[0];
        for (int i = 0; i < 6; i++) batch = Hex.cat(batch, SimCard.reading(i, SimCard.TS, new byte[24]));
        assertEquals(222, batch.length);
        c.submit(batch).expect(0x9000);
        assertEquals(List.of("EVENTS:0", "OPEN:1", "SEND:0", "SEND:1"), c.proactiveLog);
        byte[] frame = c.sent.get(0);
        assertEquals(22 + 222 + 6, frame.length);
        assertEquals(6 * 38, c.ref.open(frame).plain.length);
    }

    @Test
    void frameFifoFullIs6A84() {
        SimCard c = new SimCard();
        c.startSession(false);
        byte[] batch = new byte[0];
        for (int i = 0; i < 6; i++) batch = Hex.cat(batch, SimCard.reading(i, SimCard.TS, new byte[24]));
        // nobody fetches: frames pile up in the card
        c.send(SimCard.apdu("80D00000", batch)).expect(0x91FC);
        c.send(SimCard.apdu("80D00000", batch)).expect(0x91FC);
        c.send(SimCard.apdu("80D00000", batch)).expect(0x6A84);
        assertEquals(2, c.status()[34], "two SEND DATA queued");
        c.drain(c.pending());
        assertEquals(2, c.sent.size());
        assertTrue(c.ref.open(c.sent.get(1)).seq == 2);
    }
}

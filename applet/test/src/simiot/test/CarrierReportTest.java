package simiot.test;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** REPORT CARRIER: the terminal asks the card to tell the cloud its carrier (command-result, command id 0). */
class CarrierReportTest {
    static final String REPORT = "80D2000000";

    @Test
    void reportIsAnAuthenticatedUnsolicitedResultWithTheCurrentCarrier() {
        SimCard c = new SimCard();
        c.startSession(false);
        c.deliver(DownlinkTest.perform(c, 1, 9, 2)).expect(0x9000); // to Verizon
        int sent = c.sent.size();
        c.drain(c.send(REPORT)).expect(0x9000);
        assertEquals(sent + 1, c.sent.size());
        RefV2.Opened r = c.ref.open(c.sent.get(sent));
        assertEquals(4, r.kind);
        assertEquals("00000000" + "1102", Hex.s(r.plain), "command id 0, ACK, Verizon");
    }

    @Test
    void legacyCardRefusesBecauseAV1AckWouldAnswerACommand() {
        SimCard c = new SimCard();
        c.startSession(true);
        int sent = c.sent.size();
        c.send(REPORT).expect(0x6985);
        assertEquals(sent, c.sent.size());
    }

    @Test
    void withoutSessionOrWithParametersTheCardRefuses() {
        SimCard c = new SimCard();
        c.personalise(false);
        c.send(REPORT).expect(0x6985);
        SimCard d = new SimCard();
        d.startSession(false);
        d.send("80D2010000").expect(0x6A86);
    }
}

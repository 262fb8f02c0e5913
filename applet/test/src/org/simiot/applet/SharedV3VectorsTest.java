package org.simiot.applet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import simiot.test.Hex;
import simiot.test.SimCard;

/** protocol/vectors/v3*.json through APDUs: the card fills and seals exactly these frames, and refuses these payloads. */
class SharedV3VectorsTest {

    @Test
    void v3FramesFromSubmitCompactByteForByte() throws Exception {
        List<Map<String, Object>> all = SharedVectorsTest.load("v3.json");
        SimCard c = null;
        String modem = "";
        for (Map<String, Object> v : all) {
            if (!modem.equals(SharedVectorsTest.str(v, "modemId"))) {
                modem = SharedVectorsTest.str(v, "modemId");
                c = new SimCard(null, Hex.b(SharedVectorsTest.str(v, "masterKey")), Hex.b(modem));
                c.startSession(false);
            }
            String[] submits = SharedVectorsTest.str(v, "submits").split(" ");
            for (int i = 0; i < submits.length; i++) {
                c.submitCompact(i == submits.length - 1 ? 0x01 : 0x00, Hex.b(submits[i])).expect(0x9000);
            }
            assertEquals(SharedVectorsTest.str(v, "frame"), Hex.s(c.sent.get(c.sent.size() - 1)), (String) v.get("name"));
            assertEquals(SharedVectorsTest.str(v, "plaintext"), Hex.s(c.ref.open(c.sent.get(c.sent.size() - 1)).plain));
        }
    }

    @Test
    void malformedCompactPayloadsGetTheirStatusWord() throws Exception {
        SimCard c = new SimCard();
        c.startSession(false);
        for (Map<String, Object> v : SharedVectorsTest.load("v3-invalid.json")) {
            int sw = Integer.parseInt(SharedVectorsTest.str(v, "cardStatus"), 16);
            c.submitCompact(0x03, Hex.b(SharedVectorsTest.str(v, "hex"))).expect(sw);
        }
    }
}

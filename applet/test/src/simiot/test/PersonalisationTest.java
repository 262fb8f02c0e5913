package simiot.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Selection, administrator authentication, PUT DATA objects and their status words. */
class PersonalisationTest {

    static SimCard authenticated() {
        SimCard c = new SimCard();
        c.select();
        c.authenticate(SimCard.TRANSPORT_KEY);
        return c;
    }

    @Test
    void selectByAidAndUnknownAid() {
        SimCard c = new SimCard();
        c.send("80CA000000").expect(0x6985); // nothing selected yet
        c.send("00A4040007A0000000030000").expect(0x6A82);
        c.select();
        c.send("00A4040005F053494D49").expect(0x9000); // partial AID selects, as the JCRE does
        byte[] st = c.status();
        assertEquals(58, st.length);
        assertEquals(1, st[0]);
        assertEquals(0, st[1], "blank card: nothing personalised");
        assertEquals(5, st[38], "admin tries");
        assertEquals(300, SimCard.u16(st, 36), "default fallback seconds");
        assertEquals(1, SimCard.u32(st, 14), "first uplink sequence");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "84CA000000, 6E00",         // class not supported
            "80EE000000, 6D00",         // proprietary INS unknown
            "00EE000000, 6D00",         // ISO INS unknown
            "80CA010000, 6A86",         // STATUS with P1
            "80CA000100, 6A86",
            "80DA010100, 6A86",         // PUT DATA with P1
            "0084000110, 6A86",         // GET CHALLENGE with P2
            "0084000008, 6C10",         // challenge asks for 16 bytes
            "80CA000010, 6C3A",         // the status record is 58 bytes
            "80A2000008, 6A88",         // no acknowledgement waiting
            "80CA00000300, 6700",       // Lc does not match the data
            "00A4040000, 6A82",         // SELECT that selects nothing
            "80DA000100, 6982",         // PUT DATA without authentication
            "0082000010000102030405060708090A0B0C0D0E0F, 6985", // no challenge issued
    })
    void statusWords(String apdu, String sw) {
        SimCard c = new SimCard();
        c.select();
        assertEquals(sw, c.send(apdu).swHex());
    }

    @Test
    void externalAuthenticateCountsTriesAndBlocks() {
        SimCard c = new SimCard();
        c.select();
        for (int left = 4; left >= 0; left--) {
            c.send("0084000010").expect(0x9000);
            c.send("00820000100000000000000000000000000000000000").expect(0x63C0 | left);
        }
        c.send("0084000010").expect(0x6983);
        c.send("00820000100000000000000000000000000000000000").expect(0x6983);
        assertEquals(0, c.status()[38]);
    }

    @Test
    void successfulAuthenticationResetsTriesAndEndsOnDeselect() {
        SimCard c = new SimCard();
        c.select();
        c.send("0084000010").expect(0x9000);
        c.send("00820000100000000000000000000000000000000000").expect(0x63C4);
        c.send("0082000010").expect(0x6700);
        c.authenticate(SimCard.TRANSPORT_KEY);
        byte[] st = c.status();
        assertEquals(5, st[38]);
        assertTrue((st[1] & 0x40) != 0, "authenticated flag");
        c.put(0x06, "01", 0x9000);
        c.select(); // reselect: CLEAR_ON_DESELECT state is gone
        c.put(0x06, "00", 0x6982);
        c.card.reset();
        c.select();
        c.put(0x06, "00", 0x6982);
    }

    @Test
    void challengeIsSingleUse() {
        SimCard c = new SimCard();
        c.select();
        byte[] ch = c.send("0084000010").expect(0x9000).data;
        byte[] crypt = RefV2.aes(SimCard.TRANSPORT_KEY, ch);
        c.send(SimCard.apdu("00820000", crypt)).expect(0x9000);
        c.send(SimCard.apdu("00820000", crypt)).expect(0x6985);
    }

    @Test
    void installParameterSetsTheAdminKeyAndAdminKeyCanBeChanged() {
        byte[] mine = Hex.b("00112233445566778899aabbccddeeff");
        SimCard c = new SimCard(mine);
        c.select();
        c.send("0084000010").expect(0x9000);
        byte[] ch = c.send("0084000010").expect(0x9000).data;
        c.send(SimCard.apdu("00820000", RefV2.aes(SimCard.TRANSPORT_KEY, ch))).expect(0x63C4);
        c.authenticate(mine);
        byte[] next = Hex.b("ffeeddccbbaa99887766554433221100");
        c.put(0x07, Hex.s(next), 0x9000);
        c.put(0x07, "00", 0x6700);
        c.select();
        c.authenticate(next);
    }

    @ParameterizedTest(name = "PUT DATA {0} {1} -> {2}")
    @CsvSource({
            "01, 0102030405060708, 9000", "01, 01020304050607, 6700",
            "02, 000102030405060708090a0b0c0d0e0f, 9000", "02, 00, 6700",
            "03, 210A0000011388, 9000", "03, 57200107F8000000000000000000000001ABCD, 9000",
            "03, 210A0000010000, 6A80", "03, 220A0000011388, 6A80", "03, 210A00000113, 6700", "03, '', 6700",
            "04, 0007, 9000", "04, 8007, 9000", "04, 0008, 6A80", "04, 07, 6700",
            "05, 00, 9000", "05, 03, 6A80", "05, 0F, 6A80", "05, 0000, 6700",
            "06, 01, 9000", "06, 02, 6A80",
            "08, 0E10, 9000", "08, 0000, 6A80", "08, 8000, 6A80",
            "09, 00, 6A86", "FF, '', 6985", "FF, 00, 6700",
    })
    void putDataObjects(String object, String data, String sw) {
        SimCard c = authenticated();
        c.put(0x04, "0007", 0x9000); // subscriptions first, so a current carrier can be checked against them
        c.put(Integer.parseInt(object, 16), data, Integer.parseInt(sw, 16));
    }

    @Test
    void lockNeedsCompletePersonalisationAndFreezesTheModemId() {
        SimCard c = authenticated();
        c.put(0x01, Hex.s(SimCard.MODEM_ID), 0x9000);
        c.put(0x02, Hex.s(SimCard.MASTER_KEY), 0x9000);
        c.put(0x03, "210A0000011388", 0x9000);
        c.put(0xFF, "", 0x6985);
        c.put(0x04, "0003", 0x9000);
        c.send("80DA00FF00").expect(0x9000); // LOCK as a case 2 APDU (Le 00), as the edge sends an empty PUT DATA
        byte[] st = c.status();
        assertEquals(0x1F, st[1] & 0x3F);
        assertEquals("00000000000004d2", Hex.s(java.util.Arrays.copyOfRange(st, 2, 10)));
        assertEquals("210a000001000000000000000000000000" + "1388", Hex.s(java.util.Arrays.copyOfRange(st, 39, 58)));
        c.put(0x01, "0102030405060708", 0x6985);
        c.put(0x02, "ffffffffffffffffffffffffffffffff", 0x9000); // re-keying stays possible for the admin
        c.put(0xFF, "", 0x9000);
    }

    @Test
    void noCommandReturnsKeyMaterial() {
        SimCard c = new SimCard();
        c.startSession(false);
        byte[] everything = Hex.cat(c.status(), c.send("0084000010").data);
        for (byte[] p : c.proactiveRaw) everything = Hex.cat(everything, p);
        String all = Hex.s(everything);
        for (byte[] k : new byte[][]{SimCard.MASTER_KEY, SimCard.TRANSPORT_KEY, c.ref.encUp, c.ref.macUp, c.ref.encDown, c.ref.macDown}) {
            assertFalse(all.contains(Hex.s(k).substring(0, 16)), "key bytes leaked");
        }
    }

    @Test
    void ipv6EndpointGoesIntoOpenChannel() {
        SimCard c = authenticated();
        c.put(0x01, Hex.s(SimCard.MODEM_ID), 0x9000);
        c.put(0x02, Hex.s(SimCard.MASTER_KEY), 0x9000);
        c.put(0x03, "57200107F8000000000000000000000001177A", 0x9000);
        c.put(0x04, "0001", 0x9000);
        c.put(0xFF, "", 0x9000);
        c.drain(c.send(SimCard.apdu("80100000", Hex.b(SimCard.PROFILE))));
        String open = Hex.s(c.proactiveRaw.get(1));
        assertTrue(open.endsWith("3c0301177a" + "3e1157200107f8000000000000000000000001"), open);
    }
}

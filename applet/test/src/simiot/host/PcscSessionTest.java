package simiot.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import javax.smartcardio.Card;
import javax.smartcardio.CardChannel;
import javax.smartcardio.CardTerminal;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.ResponseAPDU;
import javax.smartcardio.TerminalFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import simiot.test.Hex;
import simiot.test.Rig;
import simiot.test.RefV2;
import simiot.test.SimCard;

/**
 * The edge's view of a real reader: javax.smartcardio through pcscd to the
 * rig's card. Needs a fresh card, so it runs when the tests brought the rig
 * up themselves (with their own rig directory); against a rig somebody left
 * running it is skipped with a message rather than touching that card.
 */
class PcscSessionTest {
    static ResponseAPDU ok(CardChannel ch, String hex, int sw) throws Exception {
        ResponseAPDU r = ch.transmit(new CommandAPDU(Hex.b(hex)));
        assertEquals(String.format("%04X", sw), String.format("%04X", r.getSW()), hex);
        return r;
    }

    @Test
    void personaliseAndRunASessionThroughPcscd() throws Exception {
        Rig rig = Rig.get();
        Assumptions.assumeTrue(rig.ownCard, "a rig is already up with somebody's card; './simiot rig down' to run this test");
        pcscLibrary();
        CardTerminal term = TerminalFactory.getDefault().terminals().getTerminal(Rig.READER);
        assertNotNull(term, "reader " + Rig.READER + " is known to pcscd");
        assertTrue(term.waitForCardPresent(30000), "the card appears in " + Rig.READER);
        Card card = term.connect("*");
        try {
            CardChannel ch = card.getBasicChannel();
            ok(ch, "00A4040009F053494D494F540100", 0x9000);
            byte[] chal = ok(ch, "0084000010", 0x9000).getData();
            Cipher aes = Cipher.getInstance("AES/ECB/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(SimCard.TRANSPORT_KEY, "AES"));
            ok(ch, SimCard.apdu("00820000", aes.doFinal(chal)), 0x9000);
            ok(ch, "80DA00010800000000000004D2", 0x9000);
            ok(ch, "80DA000210000102030405060708090A0B0C0D0E0F", 0x9000);
            ok(ch, "80DA000307217F0000011771", 0x9000);
            ok(ch, "80DA0004020007", 0x9000);
            ok(ch, "80DA00FF", 0x9000);
            ok(ch, SimCard.apdu("80100000", Hex.b(SimCard.PROFILE)), 0x910F);
            assertEquals("d00d8103010500820281829902090a", Hex.s(ok(ch, "801200000F", 0x9000).getData()));
            ok(ch, "801400000C810301050082028281830100", 0x911E);
            byte[] open = ok(ch, "801200001E", 0x9000).getData();
            assertTrue(Hex.s(open).endsWith("3c030117713e05217f000001"), Hex.s(open));
            ok(ch, "801400001781030240018202828183010038028100350103390205DC", 0x9000);
            byte[] reading = SimCard.reading(3, SimCard.TS, Hex.b("00000926"));
            ResponseAPDU r = ok(ch, SimCard.apdu("80D00000", reading), 0x9100 | (2 + 9 + 2 + 22 + 18));
            byte[] send = ok(ch, String.format("80120000%02X", r.getSW2()), 0x9000).getData();
            byte[] frame = Arrays.copyOfRange(send, 13, send.length);
            RefV2.Opened f = new RefV2(SimCard.MASTER_KEY, SimCard.MODEM_ID).open(frame);
            assertEquals(1, f.seq);
            assertArrayEquals(Hex.cat(new byte[]{0}, reading), f.plain);
            ok(ch, "801400000F810303430182028281830100B701FF", 0x9000);
        } finally {
            card.disconnect(true);
        }
    }

    /** javax.smartcardio looks for libpcsclite.so, which Debian ships only as libpcsclite.so.1. */
    static void pcscLibrary() {
        if (System.getProperty("sun.security.smartcardio.library") != null) {
            return;
        }
        for (String dir : java.util.List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib/arm-linux-gnueabihf", "/usr/lib64", "/usr/lib")) {
            java.nio.file.Path p = java.nio.file.Paths.get(dir, "libpcsclite.so.1");
            if (java.nio.file.Files.exists(p)) {
                System.setProperty("sun.security.smartcardio.library", p.toString());
                return;
            }
        }
    }
}

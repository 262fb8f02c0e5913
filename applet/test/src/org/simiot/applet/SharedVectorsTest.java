package org.simiot.applet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import javacard.security.AESKey;
import javacard.security.KeyBuilder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import simiot.test.Hex;
import simiot.test.Json;
import simiot.test.RefV2;
import simiot.test.SimCard;

/**
 * protocol/vectors/*.json, shared with the C# side: the card must produce and
 * accept exactly these bytes. Each file is checked on the card's own crypto
 * and, where a card can be driven to it, end to end through APDUs.
 */
class SharedVectorsTest {

    static List<Map<String, Object>> load(String file) throws Exception {
        String root = System.getenv("SIMIOT_ROOT");
        Path p = (root != null ? Paths.get(root) : Paths.get("..")).resolve("protocol/vectors").resolve(file);
        Assumptions.assumeTrue(Files.exists(p), "shared vector file not on this branch yet: " + p);
        List<Map<String, Object>> v = Json.vectors(new String(Files.readAllBytes(p), StandardCharsets.UTF_8));
        assertTrue(v.size() > 0, file + " has vectors");
        return v;
    }

    static String str(Map<String, Object> v, String k) {
        Object o = v.get(k);
        assertTrue(o instanceof String, k + " in " + v);
        return (String) o;
    }

    static AESKey key(byte[] k) {
        AESKey a = (AESKey) KeyBuilder.buildKey(KeyBuilder.TYPE_AES, KeyBuilder.LENGTH_AES_128, false);
        a.setKey(k, (short) 0);
        return a;
    }

    static byte[] keyBytes(AESKey k) {
        byte[] b = new byte[16];
        k.getKey(b, (short) 0);
        return b;
    }

    @Test
    void aesCmac() throws Exception {
        new SimCard();
        Crypto crypto = new Crypto();
        for (Map<String, Object> v : load("aes-cmac.json")) {
            byte[] msg = Hex.b(str(v, "message"));
            byte[] out = new byte[16];
            crypto.cmac(key(Hex.b(str(v, "key"))), msg, (short) 0, (short) msg.length, out, (short) 0);
            assertEquals(str(v, "mac"), Hex.s(out));
        }
    }

    @Test
    void kdf() throws Exception {
        new SimCard();
        Crypto crypto = new Crypto();
        String[] names = {"encUp", "macUp", "encDown", "macDown"};
        for (Map<String, Object> v : load("kdf.json")) {
            for (byte label = 0; label < 4; label++) {
                AESKey out = key(new byte[16]);
                crypto.deriveKey(key(Hex.b(str(v, "masterKey"))), label, Hex.b(str(v, "modemId")), (short) 0, out);
                assertEquals(str(v, names[label]), Hex.s(keyBytes(out)), names[label] + " for " + v.get("modemId"));
            }
        }
    }

    /** Every frame, sealed by the card's CTR and CMAC with keys from the card's KDF, and by the test reference. */
    @Test
    void v2FramesFromTheCardsOwnCrypto() throws Exception {
        new SimCard();
        Crypto crypto = new Crypto();
        for (Map<String, Object> v : load("v2.json")) {
            int kind = ((Long) v.get("kindByte")).intValue();
            long seq = (Long) v.get("sequence");
            byte[] mk = Hex.b(str(v, "masterKey"));
            byte[] id = Hex.b(str(v, "modemId"));
            byte[] plain = Hex.b(str(v, "plaintext"));
            boolean up = kind == 1 || kind == 4;
            AESKey enc = key(new byte[16]);
            AESKey mac = key(new byte[16]);
            crypto.deriveKey(key(mk), up ? Constants.LABEL_ENC_UP : Constants.LABEL_ENC_DOWN, id, (short) 0, enc);
            crypto.deriveKey(key(mk), up ? Constants.LABEL_MAC_UP : Constants.LABEL_MAC_DOWN, id, (short) 0, mac);
            byte[] frame = new byte[22 + plain.length];
            frame[0] = (byte) 0xA2;
            frame[1] = (byte) kind;
            System.arraycopy(id, 0, frame, 2, 8);
            System.arraycopy(SimCard.u32b(seq), 0, frame, 10, 4);
            System.arraycopy(plain, 0, frame, 14, plain.length);
            crypto.ctr(enc, frame, (short) 0, frame, (short) 14, (short) plain.length);
            crypto.tag(mac, frame, (short) 0, (short) (14 + plain.length), frame, (short) (14 + plain.length));
            assertEquals(str(v, "frame"), Hex.s(frame), "card crypto, " + v.get("name"));
            assertEquals(str(v, "frame"), Hex.s(new RefV2(mk, id).seal(kind, seq, plain)), "test reference, " + v.get("name"));
            assertTrue(crypto.verifyTag(mac, frame, (short) 0, (short) (14 + plain.length), frame, (short) (14 + plain.length), (short) 8));
        }
    }

    static Map<String, Object> named(List<Map<String, Object>> all, String name) {
        for (Map<String, Object> v : all) if (name.equals(v.get("name"))) return v;
        Assumptions.abort("vector " + name + " is not in v2.json");
        return null;
    }

    /**
     * Through APDUs: a card personalised with the vectors' key and modem id sends
     * the three uplink vectors byte for byte, accepts the uplink-ack and the
     * Perform Verizon, and answers with exactly the result-ack-verizon frame.
     */
    @Test
    void v2FramesEndToEndThroughApdus() throws Exception {
        List<Map<String, Object>> all = load("v2.json");
        Map<String, Object> keepalive = named(all, "uplink-keepalive");
        SimCard c = new SimCard(null, Hex.b(str(keepalive, "masterKey")), Hex.b(str(keepalive, "modemId")));
        c.startSession(false);
        for (String name : new String[]{"uplink-keepalive", "uplink-one-reading", "uplink-three-sensors"}) {
            Map<String, Object> v = named(all, name);
            byte[] plain = Hex.b(str(v, "plaintext"));
            c.submit(readingsOf(plain)).expect(0x9000);
            assertEquals(str(v, "frame"), Hex.s(c.sent.get(c.sent.size() - 1)), name);
        }
        Map<String, Object> ack = named(all, "uplink-ack");
        c.deliver(Hex.b(str(ack, "frame"))).expect(0x9000);
        assertEquals(str(ack, "plaintext"), Hex.s(c.send("80A200000C").expect(0x9000).data));
        Map<String, Object> perform = named(all, "downlink-perform-verizon");
        c.deliver(Hex.b(str(perform, "frame"))).expect(0x9000);
        assertEquals(2, c.status()[10]);
        assertEquals(str(named(all, "result-ack-verizon"), "frame"), Hex.s(c.sent.get(c.sent.size() - 1)));
        c.deliver(Hex.b(str(perform, "frame"))).expect(0x9000);
        assertEquals(1, SimCard.u16(c.status(), 24), "the same vector again is a replay");
    }

    @Test
    void downlinkVectorOfAnotherModemAndKey() throws Exception {
        Map<String, Object> v = named(load("v2.json"), "downlink-perform-disconnect");
        SimCard c = new SimCard(null, Hex.b(str(v, "masterKey")), Hex.b(str(v, "modemId")));
        c.startSession(false);
        c.deliver(Hex.b(str(v, "frame"))).expect(0x9000);
        RefV2.Opened r = c.ref.open(c.sent.get(0));
        assertEquals(str(v, "plaintext").substring(0, 8) + "1110", Hex.s(r.plain), "Disconnect is not subscribed: NACK, AT&T");
    }

    /** Concatenated v1 IoT Data packets minus their flow byte are SUBMIT READINGS records. */
    static byte[] readingsOf(byte[] packets) {
        byte[] out = new byte[0];
        int p = 0;
        while (p < packets.length) {
            assertEquals(0, packets[p], "only IoT Data packets can be submitted");
            int n = 14 + (packets[p + 13] & 0xFF);
            out = Hex.cat(out, java.util.Arrays.copyOfRange(packets, p + 1, p + n));
            p += n;
        }
        return out;
    }

    @Test
    void v1PacketsInLegacyMode() throws Exception {
        SimCard c = new SimCard();
        c.startSession(true);
        int performs = 0, malformed = 0;
        for (Map<String, Object> v : load("v1.json")) {
            byte[] pkt = Hex.b(str(v, "hex"));
            if (pkt[0] == 0x00) {
                c.submit(java.util.Arrays.copyOfRange(pkt, 1, pkt.length)).expect(0x9000);
                assertEquals(str(v, "hex"), Hex.s(c.sent.get(c.sent.size() - 1)), (String) v.get("name"));
            } else if (pkt[0] == 0x10) {
                int target = (pkt[1] >> 4) & 0x0F;
                c.deliver(pkt).expect(0x9000);
                performs++;
                boolean subscribed = target <= 2;
                String answer = Hex.s(c.sent.get(c.sent.size() - 1));
                assertEquals("11" + (subscribed ? "0" : "1") + Integer.toHexString(c.status()[10]), answer, (String) v.get("name"));
            } else {
                c.deliver(pkt).expect(0x9000); // status and ACK packets are not commands for the card
                malformed++;
            }
        }
        assertTrue(performs >= 4);
        assertEquals(malformed, SimCard.u16(c.status(), 26));
    }

    @Test
    void invalidV1PacketsChangeNothing() throws Exception {
        SimCard c = new SimCard();
        c.startSession(true);
        int n = 0;
        for (Map<String, Object> v : load("v1-invalid.json")) {
            byte[] pkt = Hex.b(str(v, "hex"));
            if (pkt.length == 0) continue; // an empty datagram never raises data available
            c.deliver(pkt).expect(0x9000);
            n++;
        }
        byte[] st = c.status();
        assertEquals(n, SimCard.u16(st, 26));
        assertEquals(0, st[10]);
        assertEquals(0, SimCard.u16(st, 28), "nothing was answered");
    }

    @Test
    void temporencTimestampsAcceptedOnlyAtMicrosecondPrecision() throws Exception {
        SimCard c = new SimCard();
        c.startSession(false);
        int us = 0;
        for (Map<String, Object> v : load("temporenc.json")) {
            String hex = str(v, "hex");
            boolean micro = "us".equals(v.get("precision"));
            if (micro) {
                us++;
                c.submit(SimCard.reading(7, hex, Hex.b("00000001"))).expect(0x9000);
                byte[] plain = c.ref.open(c.sent.get(c.sent.size() - 1)).plain;
                assertEquals(hex, Hex.s(java.util.Arrays.copyOfRange(plain, 5, 13)));
            } else {
                // a reading carries exactly 8 timestamp bytes: other precisions cannot be submitted
                byte[] r = Hex.cat(Hex.b("00000007"), java.util.Arrays.copyOf(Hex.b(hex + "0000"), 8), Hex.b("0100"));
                c.send(SimCard.apdu("80D00000", r)).expect(0x6A80);
            }
        }
        assertTrue(us >= 3);
    }
}

package org.simiot.applet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import javacard.security.AESKey;
import javacard.security.KeyBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import simiot.test.Hex;
import simiot.test.RefV2;
import simiot.test.SimCard;

/** The card's own CMAC/CTR/KDF (short arithmetic over the AES block) against RFC 4493 and the reference. */
class CryptoTest {
    static final String K = "2b7e151628aed2a6abf7158809cf4f3c";
    static final String M = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";

    Crypto crypto;

    @BeforeEach
    void card() {
        new SimCard(); // makes a card current, so transient memory can be allocated
        crypto = new Crypto();
    }

    static AESKey key(String hex) {
        AESKey k = (AESKey) KeyBuilder.buildKey(KeyBuilder.TYPE_AES, KeyBuilder.LENGTH_AES_128, false);
        k.setKey(Hex.b(hex), (short) 0);
        return k;
    }

    @ParameterizedTest(name = "RFC 4493 AES-CMAC, {0} bytes")
    @CsvSource({"0,bb1d6929e95937287fa37d129b756746", "16,070a16b46b4d4144f79bdd9dd04a287c",
            "40,dfa66747de9ae63030ca32611497c827", "64,51f0bebf7e3b9d92fc49741779363cfe"})
    void cmacMatchesRfc4493(int len, String mac) {
        byte[] msg = Arrays.copyOf(Hex.b(M), len);
        byte[] out = new byte[16];
        crypto.cmac(key(K), msg, (short) 0, (short) len, out, (short) 0);
        assertEquals(mac, Hex.s(out));
        assertEquals(mac, Hex.s(RefV2.cmac(Hex.b(K), msg)), "the test reference agrees");
    }

    @Test
    void cmacAtAnOffsetAndEveryLengthMatchesTheReference() {
        byte[] big = new byte[100];
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 7 + 3);
        for (int len = 0; len <= 80; len++) {
            byte[] out = new byte[16];
            crypto.cmac(key(K), big, (short) 10, (short) len, out, (short) 0);
            assertArrayEquals(RefV2.cmac(Hex.b(K), Arrays.copyOfRange(big, 10, 10 + len)), out, "length " + len);
        }
    }

    @Test
    void kdfMatchesTheReferenceForAllFourLabels() {
        byte[] mk = Hex.b("000102030405060708090a0b0c0d0e0f");
        byte[] id = Hex.b("00000000000004d2");
        RefV2 ref = new RefV2(mk, id);
        byte[][] expected = {ref.encUp, ref.macUp, ref.encDown, ref.macDown};
        for (byte label = 0; label < 4; label++) {
            AESKey out = (AESKey) KeyBuilder.buildKey(KeyBuilder.TYPE_AES, KeyBuilder.LENGTH_AES_128, false);
            crypto.deriveKey(key(Hex.s(mk)), label, id, (short) 0, out);
            byte[] k = new byte[16];
            out.getKey(k, (short) 0);
            assertArrayEquals(expected[label], k, "label " + label);
        }
    }

    @Test
    void ctrMatchesTheReferenceOverSeveralBlocks() {
        byte[] header = Hex.b("a201" + "00000000000004d2" + "00000102");
        byte[] data = new byte[53];
        for (int i = 0; i < data.length; i++) data[i] = (byte) i;
        byte[] enc = data.clone();
        crypto.ctr(key(K), header, (short) 0, enc, (short) 0, (short) enc.length);
        assertArrayEquals(RefV2.ctr(Hex.b(K), 1, Hex.b("00000000000004d2"), 0x102, data), enc);
        crypto.ctr(key(K), header, (short) 0, enc, (short) 0, (short) enc.length);
        assertArrayEquals(data, enc, "CTR is its own inverse");
    }

    @Test
    void tagVerificationIsExactOnEveryByte() {
        byte[] msg = Hex.b(M);
        byte[] tag = Arrays.copyOf(RefV2.cmac(Hex.b(K), msg), 8);
        assertTrue(crypto.verifyTag(key(K), msg, (short) 0, (short) 64, tag, (short) 0, (short) 8));
        for (int i = 0; i < 8; i++) {
            byte[] bad = tag.clone();
            bad[i] ^= 1;
            assertFalse(crypto.verifyTag(key(K), msg, (short) 0, (short) 64, bad, (short) 0, (short) 8));
        }
    }

    @Test
    void aCardWithoutEcbUsesCbcFromAZeroIv() {
        simiot.jcre.Card card = new simiot.jcre.Card();
        card.withoutAlgorithm(javacardx.crypto.Cipher.ALG_AES_BLOCK_128_ECB_NOPAD);
        card.install(SimIotApplet.class, Hex.b(SimCard.AID_HEX), null);
        Crypto cbc = new Crypto();
        byte[] msg = Hex.b(M);
        byte[] out = new byte[16];
        cbc.cmac(key(K), msg, (short) 0, (short) 64, out, (short) 0);
        assertEquals("51f0bebf7e3b9d92fc49741779363cfe", Hex.s(out));
        byte[] data = new byte[40];
        cbc.ctr(key(K), Hex.b("a201" + "00000000000004d2" + "00000102"), (short) 0, data, (short) 0, (short) 40);
        assertArrayEquals(RefV2.ctr(Hex.b(K), 1, Hex.b("00000000000004d2"), 0x102, new byte[40]), data);
    }

    @Test
    void windowArithmetic() {
        byte[] a = Hex.b("00000141");
        byte[] b = Hex.b("00000101");
        assertEquals(64, U32.smallDistance(a, (short) 0, b, (short) 0));
        assertEquals(0x7FFF, U32.smallDistance(b, (short) 0, a, (short) 0));
        assertEquals(0x7FFF, U32.smallDistance(Hex.b("00000142"), (short) 0, b, (short) 0));
        assertEquals(1, U32.smallDistance(Hex.b("01000000"), (short) 0, Hex.b("00ffffff"), (short) 0));
        byte[] bm = Hex.b("8000000000000001");
        U32.shiftLeft(bm, (short) 0, (short) 1);
        assertEquals("0000000000000002", Hex.s(bm));
        bm = Hex.b("00000000000000ff");
        U32.shiftLeft(bm, (short) 0, (short) 12);
        assertEquals("00000000000ff000", Hex.s(bm));
        U32.shiftLeft(bm, (short) 0, (short) 64);
        assertEquals("0000000000000000", Hex.s(bm));
        U32.setBit(bm, (short) 0, (short) 63);
        assertEquals("8000000000000000", Hex.s(bm));
        assertTrue(U32.bit(bm, (short) 0, (short) 63));
        byte[] c = Hex.b("fffffff0");
        assertFalse(U32.add(c, (short) 0, (short) 0x0F));
        assertTrue(U32.add(c, (short) 0, (short) 1));
        assertEquals("00000000", Hex.s(c));
    }
}

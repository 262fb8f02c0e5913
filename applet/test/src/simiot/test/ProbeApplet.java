package simiot.test;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.Util;

/** A test applet that exercises the runtime's JCRE semantics one instruction at a time. */
public final class ProbeApplet extends Applet {
    final byte[] persistent = new byte[4];
    final byte[] onReset = JCSystem.makeTransientByteArray((short) 2, JCSystem.CLEAR_ON_RESET);
    final byte[] onDeselect = JCSystem.makeTransientByteArray((short) 2, JCSystem.CLEAR_ON_DESELECT);
    final short[] counter = new short[1];
    final byte[] big = new byte[255];
    final byte[] zeros = new byte[16];
    final javacard.security.AESKey key = (javacard.security.AESKey) javacard.security.KeyBuilder.buildKey(
            javacard.security.KeyBuilder.TYPE_AES, javacard.security.KeyBuilder.LENGTH_AES_128, false);
    final javacard.security.AESKey ramKey = (javacard.security.AESKey) javacard.security.KeyBuilder.buildKey(
            javacard.security.KeyBuilder.TYPE_AES_TRANSIENT_RESET, javacard.security.KeyBuilder.LENGTH_AES_128, false);

    public static void install(byte[] b, short off, byte len) {
        new ProbeApplet().register(b, (short) (off + 1), b[off]);
    }

    public void process(APDU apdu) {
        byte[] buf = apdu.getBuffer();
        if (selectingApplet()) return;
        byte p1 = buf[ISO7816.OFFSET_P1];
        switch (buf[ISO7816.OFFSET_INS]) {
            case 0x01: // write in a transaction, then fail: the JCRE aborts it
                JCSystem.beginTransaction();
                persistent[0] = p1;
                counter[0]++;
                ISOException.throwIt(ISO7816.SW_WRONG_DATA);
                return;
            case 0x02:
                JCSystem.beginTransaction();
                persistent[0] = p1;
                JCSystem.abortTransaction();
                return;
            case 0x03:
                JCSystem.beginTransaction();
                JCSystem.beginTransaction();
                return;
            case 0x04:
                buf[300] = 1;
                return;
            case 0x05:
                buf[0] = onReset[0];
                buf[1] = onDeselect[0];
                buf[2] = persistent[0];
                buf[3] = (byte) counter[0];
                onReset[0] = p1;
                onDeselect[0] = p1;
                apdu.setOutgoingAndSend((short) 0, (short) 4);
                return;
            case 0x06: {
                short n = apdu.setIncomingAndReceive();
                apdu.setOutgoingAndSend(ISO7816.OFFSET_CDATA, n);
                return;
            }
            case 0x07: {
                short le = apdu.setOutgoing();
                apdu.setOutgoingLength(le);
                Util.arrayFillNonAtomic(buf, (short) 0, le, (byte) 0xAA);
                apdu.sendBytes((short) 0, le);
                return;
            }
            case 0x08:
                JCSystem.beginTransaction();
                persistent[1] = p1;
                counter[0]++;
                JCSystem.commitTransaction();
                return;
            case 0x09:
                JCSystem.beginTransaction();
                persistent[2] = p1;
                return;
            case 0x0A: // many persistent writes inside one transaction, for tearing
                JCSystem.beginTransaction();
                for (short i = 0; i < 4; i++) {
                    persistent[i] = p1;
                }
                JCSystem.commitTransaction();
                return;
            case 0x0B: // non-atomic persistent write and a transient write inside a transaction, then abort
                JCSystem.beginTransaction();
                persistent[0] = p1;
                Util.arrayFillNonAtomic(persistent, (short) 1, (short) 1, p1);
                Util.arrayCopyNonAtomic(buf, ISO7816.OFFSET_P1, persistent, (short) 2, (short) 1);
                onReset[0] = p1;
                JCSystem.abortTransaction();
                return;
            case 0x0C: // P1 persistent bytes written through the transaction facility, one store each
                JCSystem.beginTransaction();
                for (short i = 0; i < (short) (p1 & 0xFF); i++) {
                    big[i] = (byte) i;
                }
                JCSystem.commitTransaction();
                return;
            case 0x0D: // capacities and memory, as the applet sees them
                Util.setShort(buf, (short) 0, JCSystem.getMaxCommitCapacity());
                JCSystem.beginTransaction();
                persistent[3] = p1;
                Util.setShort(buf, (short) 2, JCSystem.getUnusedCommitCapacity());
                JCSystem.commitTransaction();
                Util.setShort(buf, (short) 4, JCSystem.getUnusedCommitCapacity());
                Util.setShort(buf, (short) 6, JCSystem.getAvailableMemory(JCSystem.MEMORY_TYPE_PERSISTENT));
                Util.setShort(buf, (short) 8, JCSystem.getAvailableMemory(JCSystem.MEMORY_TYPE_TRANSIENT_RESET));
                apdu.setOutgoingAndSend((short) 0, (short) 10);
                return;
            case 0x0E: // a persistent key changed in a transaction that aborts; P2=1 uses a transient key
                javacard.security.AESKey k = buf[ISO7816.OFFSET_P2] == 1 ? ramKey : key;
                k.setKey(zeros, (short) 0);
                JCSystem.beginTransaction();
                for (short i = 0; i < 16; i++) {
                    buf[(short) (100 + i)] = p1;
                }
                k.setKey(buf, (short) 100);
                JCSystem.abortTransaction();
                k.getKey(buf, (short) 0);
                apdu.setOutgoingAndSend((short) 0, (short) 16);
                return;
            default:
                ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
        }
    }
}

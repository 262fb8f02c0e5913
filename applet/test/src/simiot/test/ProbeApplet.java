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
    short counter;

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
                counter++;
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
                buf[3] = (byte) counter;
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
                counter++;
                JCSystem.commitTransaction();
                return;
            case 0x09:
                JCSystem.beginTransaction();
                persistent[2] = p1;
                return;
            case 0x0A: // many steps inside one transaction, for tearing
                JCSystem.beginTransaction();
                for (short i = 0; i < 4; i++) {
                    Util.arrayFillNonAtomic(persistent, i, (short) 1, p1);
                }
                JCSystem.commitTransaction();
                return;
            default:
                ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
        }
    }
}

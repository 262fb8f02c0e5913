package simiot.jcre;

import java.io.ByteArrayOutputStream;
import javacard.framework.APDU;
import javacard.framework.APDUException;

/** The state of one command/response exchange behind the APDU facade (short APDUs, T=1 semantics). */
public final class ApduIo {
    public static final int BUFFER_SIZE = 261;

    private final byte[] buffer = new byte[BUFFER_SIZE];
    private byte[] data = new byte[0];
    private int ne;
    private boolean hasLe;
    private byte state;
    private int declaredOut;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Loads a command APDU; returns false when its length fields are inconsistent. */
    boolean load(byte[] cmd) {
        java.util.Arrays.fill(buffer, (byte) 0);
        out.reset();
        state = APDU.STATE_INITIAL;
        declaredOut = -1;
        if (cmd.length < 4) {
            return false;
        }
        System.arraycopy(cmd, 0, buffer, 0, 4);
        int lc = 0;
        hasLe = false;
        ne = 0;
        if (cmd.length == 4) {
            buffer[4] = 0;
        } else if (cmd.length == 5) {
            hasLe = true;
            ne = cmd[4] == 0 ? 256 : cmd[4] & 0xFF;
            buffer[4] = cmd[4];
        } else {
            lc = cmd[4] & 0xFF;
            if (lc == 0) {
                return false; // extended length is not supported by this card
            }
            if (cmd.length == 6 + lc) {
                hasLe = true;
                ne = cmd[5 + lc] == 0 ? 256 : cmd[5 + lc] & 0xFF;
            } else if (cmd.length != 5 + lc) {
                return false;
            }
            buffer[4] = cmd[4];
        }
        data = lc == 0 ? new byte[0] : java.util.Arrays.copyOfRange(cmd, 5, 5 + lc);
        return true;
    }

    public byte[] buffer() {
        return buffer;
    }

    public byte state() {
        return state;
    }

    public short incomingLength() {
        return (short) data.length;
    }

    public short setIncomingAndReceive() {
        if (state != APDU.STATE_INITIAL) {
            APDUException.throwIt(APDUException.ILLEGAL_USE);
        }
        System.arraycopy(data, 0, buffer, 5, data.length);
        state = APDU.STATE_FULL_INCOMING;
        return (short) data.length;
    }

    public short receiveBytes(short off) {
        if (state != APDU.STATE_FULL_INCOMING && state != APDU.STATE_PARTIAL_INCOMING) {
            APDUException.throwIt(APDUException.ILLEGAL_USE);
        }
        return 0;
    }

    public short setOutgoing() {
        if (state >= APDU.STATE_OUTGOING) {
            APDUException.throwIt(APDUException.ILLEGAL_USE);
        }
        state = APDU.STATE_OUTGOING;
        // Without an Le field the terminal still accepts up to 256 bytes (as T=0 does via GET RESPONSE).
        return (short) (hasLe ? ne : 256);
    }

    public void setOutgoingLength(short len) {
        if (state != APDU.STATE_OUTGOING) {
            APDUException.throwIt(APDUException.ILLEGAL_USE);
        }
        if (len < 0 || len > 256) {
            APDUException.throwIt(APDUException.BAD_LENGTH);
        }
        declaredOut = len;
        state = APDU.STATE_OUTGOING_LENGTH_KNOWN;
    }

    public void sendBytes(byte[] src, short off, short len) {
        if (state != APDU.STATE_OUTGOING_LENGTH_KNOWN && state != APDU.STATE_PARTIAL_OUTGOING) {
            APDUException.throwIt(APDUException.ILLEGAL_USE);
        }
        if (len < 0 || off < 0 || off + len > src.length) {
            APDUException.throwIt(APDUException.BUFFER_BOUNDS);
        }
        if (out.size() + len > declaredOut) {
            APDUException.throwIt(APDUException.ILLEGAL_USE);
        }
        out.write(src, off, len);
        state = out.size() == declaredOut ? APDU.STATE_FULL_OUTGOING : APDU.STATE_PARTIAL_OUTGOING;
    }

    byte[] responseData() {
        return out.toByteArray();
    }
}

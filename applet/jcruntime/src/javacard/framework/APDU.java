package javacard.framework;

import simiot.jcre.ApduIo;
import simiot.jcre.Jcre;

/**
 * The JCRE-owned APDU object. The state machine lives in {@link ApduIo}, so
 * this class keeps exactly the Java Card 3.0.5 public surface.
 */
public final class APDU {
    public static final byte PROTOCOL_MEDIA_MASK = (byte) 0xF0;
    public static final byte PROTOCOL_TYPE_MASK = 0x0F;
    public static final byte PROTOCOL_T0 = 0;
    public static final byte PROTOCOL_T1 = 1;
    public static final byte PROTOCOL_MEDIA_DEFAULT = 0;
    public static final byte STATE_INITIAL = 0;
    public static final byte STATE_PARTIAL_INCOMING = 1;
    public static final byte STATE_FULL_INCOMING = 2;
    public static final byte STATE_OUTGOING = 3;
    public static final byte STATE_OUTGOING_LENGTH_KNOWN = 4;
    public static final byte STATE_PARTIAL_OUTGOING = 5;
    public static final byte STATE_FULL_OUTGOING = 6;
    public static final byte STATE_ERROR_NO_T0_GETRESPONSE = (byte) -1;
    public static final byte STATE_ERROR_T1_IFD_ABORT = (byte) -2;
    public static final byte STATE_ERROR_IO = (byte) -3;
    public static final byte STATE_ERROR_NO_T0_REISSUE = (byte) -4;

    private APDU() {
    }

    private static ApduIo io() {
        return Jcre.apduIo();
    }

    public byte[] getBuffer() {
        return io().buffer();
    }

    public static short getInBlockSize() {
        return 255;
    }

    public static short getOutBlockSize() {
        return 258;
    }

    public static byte getProtocol() {
        return PROTOCOL_T1;
    }

    public byte getNAD() {
        return 0;
    }

    public short setOutgoing() throws APDUException {
        return io().setOutgoing();
    }

    public short setOutgoingNoChaining() throws APDUException {
        return io().setOutgoing();
    }

    public void setOutgoingLength(short len) throws APDUException {
        io().setOutgoingLength(len);
    }

    public short receiveBytes(short bOff) throws APDUException {
        return io().receiveBytes(bOff);
    }

    public short setIncomingAndReceive() throws APDUException {
        return io().setIncomingAndReceive();
    }

    public void sendBytes(short bOff, short len) throws APDUException {
        io().sendBytes(io().buffer(), bOff, len);
    }

    public void sendBytesLong(byte[] outData, short bOff, short len) throws APDUException {
        io().sendBytes(outData, bOff, len);
    }

    public void setOutgoingAndSend(short bOff, short len) throws APDUException {
        setOutgoing();
        setOutgoingLength(len);
        sendBytes(bOff, len);
    }

    public byte getCurrentState() {
        return io().state();
    }

    public static APDU getCurrentAPDU() {
        return Jcre.currentApdu();
    }

    public static byte[] getCurrentAPDUBuffer() {
        return Jcre.apduIo().buffer();
    }

    public static byte getCLAChannel() {
        return (byte) (Jcre.apduIo().buffer()[ISO7816.OFFSET_CLA] & 0x03);
    }

    public static void waitExtension() {
    }

    public boolean isCommandChainingCLA() {
        return (io().buffer()[ISO7816.OFFSET_CLA] & 0x10) != 0;
    }

    public boolean isSecureMessagingCLA() {
        return (io().buffer()[ISO7816.OFFSET_CLA] & 0x0C) != 0;
    }

    public boolean isISOInterindustryCLA() {
        return (io().buffer()[ISO7816.OFFSET_CLA] & 0x80) == 0;
    }

    public short getIncomingLength() {
        return io().incomingLength();
    }

    public short getOffsetCdata() {
        return ISO7816.OFFSET_CDATA;
    }
}

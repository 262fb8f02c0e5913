package javacard.framework;

import simiot.jcre.Jcre;

/** Base class of every applet; the JCRE calls select, process and deselect. */
public abstract class Applet {
    protected Applet() {
    }

    public static void install(byte[] bArray, short bOffset, byte bLength) throws ISOException {
        ISOException.throwIt(ISO7816.SW_FUNC_NOT_SUPPORTED);
    }

    public abstract void process(APDU apdu) throws ISOException;

    public boolean select() {
        return true;
    }

    public void deselect() {
    }

    public Shareable getShareableInterfaceObject(AID clientAID, byte parameter) {
        return null;
    }

    protected final void register() throws SystemException {
        Jcre.register(this, null);
    }

    protected final void register(byte[] bArray, short bOffset, byte bLength) throws SystemException {
        Jcre.register(this, new AID(bArray, bOffset, bLength));
    }

    protected final boolean selectingApplet() {
        return Jcre.selectingApplet();
    }
}

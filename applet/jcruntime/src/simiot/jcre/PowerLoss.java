package simiot.jcre;

/**
 * Thrown by the simulator when a test cuts the power at a chosen atomic step.
 * It is an Error so that applet code catching runtime exceptions cannot swallow it.
 */
public final class PowerLoss extends Error {
    public PowerLoss() {
        super("power lost (simulated tear)");
    }
}

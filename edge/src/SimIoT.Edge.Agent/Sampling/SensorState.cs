namespace SimIoT.Edge.Sampling;

public enum SensorState
{
    Starting,
    Running,
    Failing,
    Stopped,
}

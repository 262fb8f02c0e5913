namespace SimIoT.Cloud.Store;

/// <summary>One reading as stored: <c>Values[0]</c> is the seed's <c>data</c>.</summary>
public sealed record TelemetryPoint(string ModemId, string Sensor, uint DeviceId, DateTime Timestamp, int[] Values);

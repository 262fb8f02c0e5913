namespace SimIoT.Protocol.Telemetry;

/// <summary>
/// Maps device ids to profiles. The default is the seed's map (1 imu, 2 gyro, 3 temp) and the
/// BME280's other two channels (4 pressure, 5 humidity);
/// an unknown id gets the nickname <c>device-&lt;id&gt;</c> and one axis.
/// </summary>
public sealed class DeviceCatalog
{
    public const uint Imu = 1, Gyro = 2, Temperature = 3, Pressure = 4, Humidity = 5;

    private readonly Dictionary<uint, DeviceProfile> _profiles;

    public DeviceCatalog(IEnumerable<DeviceProfile> profiles)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        _profiles = profiles.ToDictionary(p => p.DeviceId);
    }

    public static DeviceCatalog Default { get; } = new(
    [
        new DeviceProfile(Imu, "imu", ["x", "y", "z"], "milli-g"),
        new DeviceProfile(Gyro, "gyro", ["x", "y", "z"], "milli-degrees per second"),
        new DeviceProfile(Temperature, "temp", ["value"], "centi-degrees Celsius"),
        new DeviceProfile(Pressure, "pressure", ["value"], "pascals"),
        new DeviceProfile(Humidity, "humidity", ["value"], "centi-percent relative humidity"),
    ]);

    public IEnumerable<DeviceProfile> Profiles => _profiles.Values.OrderBy(p => p.DeviceId);

    public DeviceProfile Resolve(uint deviceId) =>
        _profiles.TryGetValue(deviceId, out var profile) ? profile : new DeviceProfile(deviceId, $"device-{deviceId}", ["value"], "");

    public bool TryFindByNickname(string nickname, out DeviceProfile profile)
    {
        profile = _profiles.Values.FirstOrDefault(p => string.Equals(p.Nickname, nickname, StringComparison.Ordinal))!;
        return profile is not null;
    }
}

using FsCheck;
using FsCheck.Fluent;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.Temporenc;
using SimIoT.Protocol.V1;

namespace SimIoT.Protocol.Tests;

/// <summary>Generators for property tests.</summary>
public static class Arbitraries
{
    private static Gen<int?> Optional(int min, int max) =>
        Gen.Frequency((1, Gen.Constant((int?)null)), (6, Gen.Choose(min, max).Select(v => (int?)v)));

    public static Arbitrary<TemporencDateTime> TemporencValue() =>
        (from year in Optional(0, 4094)
         from month in Optional(1, 12)
         from day in Optional(1, 31)
         from hour in Optional(0, 23)
         from minute in Optional(0, 59)
         from second in Optional(0, 60)
         from precision in Gen.Elements(Enum.GetValues<TemporencPrecision>())
         from fraction in precision switch
         {
             TemporencPrecision.Millisecond => Gen.Choose(0, 999),
             TemporencPrecision.Microsecond => Gen.Choose(0, 999_999),
             TemporencPrecision.Nanosecond => Gen.Choose(0, 999_999_999),
             _ => Gen.Constant(0),
         }
         select new TemporencDateTime(year, month, day, hour, minute, second, precision, fraction)).ToArbitrary();

    /// <summary>A UTC instant at microsecond precision between years 1 and 4094.</summary>
    public static Arbitrary<DateTime> Instant() =>
        (from days in Gen.Choose(0, 365 * 4000)
         from second in Gen.Choose(0, 86_399)
         from micro in Gen.Choose(0, 999_999)
         select new DateTime(1, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(days).AddSeconds(second).AddTicks(micro * TimeSpan.TicksPerMicrosecond)).ToArbitrary();

    public static Arbitrary<V1Packet> Packet() =>
        Gen.OneOf(
            from device in Gen.Choose(0, int.MaxValue).Select(v => (uint)v * 2u)
            from time in Instant().Generator
            from axes in Gen.Choose(0, 5)
            from values in Gen.ArrayOf(Gen.Choose(int.MinValue, int.MaxValue), axes)
            select V1Packet.IotData(device, time, axes == 0 ? [] : TelemetryValues.Encode(values)),
            Gen.Elements(Enum.GetValues<IotStatus>()).Select(V1Packet.IotStatusReport),
            Gen.Elements(Enum.GetValues<Carrier>()).Select(V1Packet.Perform),
            from status in Gen.Elements(Enum.GetValues<AckStatus>())
            from carrier in Gen.Elements(Enum.GetValues<Carrier>())
            select V1Packet.Ack(status, carrier)).ToArbitrary();
}

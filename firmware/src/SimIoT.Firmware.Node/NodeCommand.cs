using System.CommandLine;
using System.Diagnostics;
using SimIoT.Edge.Sensors.Emulation;
using SimIoT.Firmware.Config;
using SimIoT.Firmware.Sensors;

namespace SimIoT.Firmware.Node;

/// <summary>
/// <c>simiot-node</c> (<c>./simiot node</c>): the firmware core's <see cref="NodeLoop"/> on the host, with
/// MQTTnet as the MQTT client and an emulated MPU-6050 (0x68) and BME280 (0x76) as the chips.
/// Prints every reading the broker acknowledged.
/// </summary>
public static class NodeCommand
{
    public static RootCommand Create()
    {
        var broker = new Option<string>("--broker") { Description = "The MQTT broker as HOST:PORT (the edge agent's, port 1883 by default)", Required = true };
        var name = new Option<string>("--name") { Description = "The node's name: topic simiot/NAME/<device> and MQTT client id", Required = true };
        var sensors = new Option<string>("--sensors") { Description = "Sensors to sample: imu, gyro, temp, comma-separated (SENSOR:HZ sets one rate)", DefaultValueFactory = _ => "imu,gyro,temp" };
        var rate = new Option<int>("--rate") { Description = "Sampling rate in Hz for every sensor without its own (default: the agent's, imu/gyro 100 Hz, temp 1 Hz)" };
        var readings = new Option<int>("--readings") { Description = "Stop after this many readings were acknowledged (default: run until stopped)" };
        var user = new Option<string?>("--user") { Description = "MQTT user name" };
        var password = new Option<string?>("--password") { Description = "MQTT password" };
        var duration = new Option<int>("--for") { Description = "Stop after this many seconds (default: no limit)" };
        var noClock = new Option<bool>("--no-clock") { Description = "Act as a node without SNTP time: timestamps 0, the agent stamps readings on arrival" };
        var command = new RootCommand("simiot-node: the satellite node firmware's core on this machine, publishing emulated sensor readings over MQTT")
        {
            broker, name, sensors, rate, readings, user, password, duration, noClock,
        };
        command.SetAction((parse, token) =>
        {
            var output = parse.InvocationConfiguration.Output;
            NodeConfiguration config;
            try
            {
                NodeConfiguration.ParseBroker(parse.GetValue(broker)!, out string host, out int port);
                config = new NodeConfiguration(parse.GetValue(name)!, host, port, NodeConfiguration.ParseSensors(parse.GetValue(sensors)!, parse.GetValue(rate)))
                {
                    User = parse.GetValue(user),
                    Password = parse.GetValue(password),
                };
                config.Validate();
            }
            catch (ConfigurationException e)
            {
                parse.InvocationConfiguration.Error.WriteLine($"simiot node: {e.Message}");
                return Task.FromResult(2);
            }

            int seconds = parse.GetValue(duration);
            return Task.FromResult(Run(config, parse.GetValue(readings), seconds > 0 ? TimeSpan.FromSeconds(seconds) : Timeout.InfiniteTimeSpan, !parse.GetValue(noClock), output, token));
        });
        return command;
    }

    private static int Run(NodeConfiguration config, int readings, TimeSpan limit, bool synced, TextWriter output, CancellationToken token)
    {
        var clock = new HostClock(synced);
        using var mpuChip = new Mpu6050Emulator();
        using var bmeChip = new Bme280Emulator();
        var mpu = new Mpu6050(new I2cDeviceAdapter(mpuChip));
        var bme = new Bme280(new I2cDeviceAdapter(bmeChip), clock);
        ISensor[] chips = [ChipSensor.Accelerometer(mpu), ChipSensor.Gyroscope(mpu), ChipSensor.Temperature(bme)];
        using var link = new MqttNetLink(config.BrokerHost, config.BrokerPort);
        var loop = new NodeLoop(config, chips, link, clock, clock, new ConsoleObserver(output), new Random());
        output.WriteLine($"node {config.NodeName}: {string.Join(", ", config.Sensors.Select(s => $"{SensorKinds.Nickname(s.Kind)} at {s.RateHz} Hz"))} (emulated MPU-6050 0x68, BME280 0x76) -> {config.BrokerHost}:{config.BrokerPort}");
        var watch = Stopwatch.StartNew();
        while (!token.IsCancellationRequested && (readings <= 0 || loop.Published < readings) && (limit == Timeout.InfiniteTimeSpan || watch.Elapsed < limit))
        {
            loop.RunOnce();
        }

        link.Disconnect();
        output.WriteLine($"published {loop.Published} readings ({loop.Sampled} sampled, {loop.Ring.Count} unsent, {loop.Ring.Dropped} dropped, {loop.SensorFailures} sensor faults, {loop.LinkFailures} link failures)");
        return readings <= 0 || loop.Published >= readings ? 0 : 1;
    }
}

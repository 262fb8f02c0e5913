using SimIoT.Firmware.Config;
using SimIoT.Firmware.Sensors;

namespace SimIoT.Firmware.Tests.Core;

public class NodeConfigurationTests
{
    private const string Valid = """
        # greenhouse node
        node=esp32-greenhouse
        broker=192.168.1.20:1883
        user=node
        password=s3cret
        sensors=imu:50, temp
        buffer=500
        wifi_ssid=farm
        wifi_password=wpa-secret
        """;

    [Fact]
    public void A_valid_configuration_is_read_with_the_agents_rates_as_defaults()
    {
        var config = NodeConfiguration.Parse(Valid);
        Assert.Equal(("esp32-greenhouse", "192.168.1.20", 1883, "node", "s3cret", 500, "farm"), (config.NodeName, config.BrokerHost, config.BrokerPort, config.User, config.Password, config.BufferReadings, config.WifiSsid));
        Assert.Equal([(SensorKind.Imu, 50), (SensorKind.Temp, 1)], config.Sensors.Select(s => (s.Kind, s.RateHz)));
        Assert.Equal([100, 100, 1], NodeConfiguration.Parse("node=a\nbroker=b:1").Sensors.Select(s => s.RateHz));
    }

    [Theory]
    [InlineData("node=a b\nbroker=h:1", "node name 'a b' must be 1-32 characters")]
    [InlineData("node=abcdefghijabcdefghijabcdefghijabc\nbroker=h:1", "must be 1-32 characters")]
    [InlineData("broker=h:1", "node is missing")]
    [InlineData("node=a", "broker is missing")]
    [InlineData("node=a\nbroker=h", "must be host:port")]
    [InlineData("node=a\nbroker=h:70000", "broker port 70000 is not 1-65535")]
    [InlineData("node=a\nbroker=h:x1", "broker port 'x1' is not a number")]
    [InlineData("node=a\nbroker=h:1\nsensors=imu,humidity", "sensor 'humidity' is not one of imu, gyro, temp")]
    [InlineData("node=a\nbroker=h:1\nsensors=imu:0", "rate of imu is 0 Hz, not 1-200")]
    [InlineData("node=a\nbroker=h:1\nsensors=temp:1000", "rate of temp is 1000 Hz, not 1-200")]
    [InlineData("node=a\nbroker=h:1\nsensors=temp,temp:2", "sensor temp is listed twice")]
    [InlineData("node=a\nbroker=h:1\npassword=p", "a password needs a user")]
    [InlineData("node=a\nbroker=h:1\nbuffer=100000", "buffer 100000 is not 1-4096 readings")]
    [InlineData("node=a\nnode=b\nbroker=h:1", "node is given twice")]
    [InlineData("node=a\nbroker=h:1\nqos=2", "line 3: unknown key 'qos'")]
    [InlineData("node=a\nbroker h:1", "line 2 is not key=value")]
    public void A_malformed_configuration_is_refused_with_the_reason(string text, string reason)
    {
        var e = Assert.Throws<ConfigurationException>(() => NodeConfiguration.Parse(text));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_oversize_configuration_is_refused_before_it_is_parsed()
    {
        string text = "node=a\nbroker=h:1\n" + new string('#', NodeConfiguration.MaxTextLength);
        var e = Assert.Throws<ConfigurationException>(() => NodeConfiguration.Parse(text));
        Assert.Equal($"configuration is {text.Length} characters, at most 1024 are accepted", e.Message);
    }
}

using SimIoT.Firmware.Sensors;

namespace SimIoT.Firmware.Config;

/// <summary>
/// What a node needs to run: its name, the broker, credentials, sensors and rates, the size of
/// the offline buffer. Built from a small <c>key=value</c> text (a file on the device's flash,
/// or the host's command line) and validated as a whole: <see cref="Parse"/> and
/// <see cref="Validate"/> throw <see cref="ConfigurationException"/> with the reason.
/// </summary>
public sealed class NodeConfiguration
{
    /// <summary>The configuration text is read into RAM on a device with ~100 KiB free: anything larger is not a configuration.</summary>
    public const int MaxTextLength = 1024;

    public const int MaxRateHz = 200;
    public const int MaxBufferReadings = 4096;
    public const int DefaultBufferReadings = 1000;
    private const int MaxCredentialLength = 64;

    public NodeConfiguration(string nodeName, string brokerHost, int brokerPort, SensorSetting[] sensors)
    {
        NodeName = nodeName;
        BrokerHost = brokerHost;
        BrokerPort = brokerPort;
        Sensors = sensors;
    }

    /// <summary>The node's name: the topic's middle segment and the MQTT client id.</summary>
    public string NodeName { get; }

    public string BrokerHost { get; }

    public int BrokerPort { get; }

    public SensorSetting[] Sensors { get; }

    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>Readings kept while the broker is unreachable; beyond it the oldest are dropped.</summary>
    public int BufferReadings { get; set; } = DefaultBufferReadings;

    /// <summary>Wi-Fi network for the device shell; the host ignores it.</summary>
    public string? WifiSsid { get; set; }

    public string? WifiPassword { get; set; }

    /// <summary>
    /// Parses lines of <c>key=value</c> (<c>#</c> starts a comment): <c>node</c>, <c>broker</c> (host:port),
    /// <c>user</c>, <c>password</c>, <c>sensors</c> (e.g. <c>imu:100,gyro:100,temp:1</c>), <c>buffer</c>,
    /// <c>wifi_ssid</c>, <c>wifi_password</c>; then validates.
    /// </summary>
    public static NodeConfiguration Parse(string text)
    {
        if (text == null) throw new ConfigurationException("configuration is missing");
        if (text.Length > MaxTextLength) throw new ConfigurationException("configuration is " + text.Length + " characters, at most " + MaxTextLength + " are accepted");
        string? node = null, broker = null, sensors = null, user = null, password = null, buffer = null, ssid = null, wifiPassword = null;
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            int eq = line.IndexOf('=');
            if (eq <= 0) throw new ConfigurationException("line " + (i + 1) + " is not key=value");
            string key = line.Substring(0, eq).Trim(), value = line.Substring(eq + 1).Trim();
            switch (key)
            {
                case "node": node = Once(node, key, value); break;
                case "broker": broker = Once(broker, key, value); break;
                case "sensors": sensors = Once(sensors, key, value); break;
                case "user": user = Once(user, key, value); break;
                case "password": password = Once(password, key, value); break;
                case "buffer": buffer = Once(buffer, key, value); break;
                case "wifi_ssid": ssid = Once(ssid, key, value); break;
                case "wifi_password": wifiPassword = Once(wifiPassword, key, value); break;
                default: throw new ConfigurationException("line " + (i + 1) + ": unknown key '" + key + "'");
            }
        }

        if (node == null) throw new ConfigurationException("node is missing");
        if (broker == null) throw new ConfigurationException("broker is missing");
        string host;
        int port;
        ParseBroker(broker, out host, out port);
        var configuration = new NodeConfiguration(node, host, port, ParseSensors(sensors ?? "imu,gyro,temp", 0))
        {
            User = user,
            Password = password,
            WifiSsid = ssid,
            WifiPassword = wifiPassword,
        };
        if (buffer != null) configuration.BufferReadings = ParseNumber(buffer, "buffer");
        configuration.Validate();
        return configuration;
    }

    /// <summary>
    /// Parses <c>imu,gyro:50,temp</c>: a sensor without a rate takes <paramref name="rateHz"/>, or the
    /// agent's rate for it when that is 0.
    /// </summary>
    public static SensorSetting[] ParseSensors(string list, int rateHz)
    {
        string[] items = list.Split(',');
        var settings = new SensorSetting[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            string item = items[i].Trim();
            int colon = item.IndexOf(':');
            string name = colon < 0 ? item : item.Substring(0, colon);
            SensorKind kind;
            if (!SensorKinds.TryParse(name, out kind)) throw new ConfigurationException("sensor '" + name + "' is not one of imu, gyro, temp");
            int rate = colon >= 0 ? ParseNumber(item.Substring(colon + 1), "rate of " + name)
                : rateHz > 0 ? rateHz : SensorKinds.DefaultRateHz(kind);
            settings[i] = new SensorSetting(kind, rate);
        }

        return settings;
    }

    /// <summary>Checks every setting against what the broker and the device accept.</summary>
    public void Validate()
    {
        if (!IsValidNodeName(NodeName)) throw new ConfigurationException("node name '" + NodeName + "' must be 1-32 characters of A-Z a-z 0-9 _ -");
        if (BrokerHost == null || BrokerHost.Length == 0 || BrokerHost.Length > 253) throw new ConfigurationException("broker host must be 1-253 characters");
        if (BrokerPort < 1 || BrokerPort > 65535) throw new ConfigurationException("broker port " + BrokerPort + " is not 1-65535");
        if (User != null && (User.Length == 0 || User.Length > MaxCredentialLength)) throw new ConfigurationException("user must be 1-" + MaxCredentialLength + " characters");
        if (Password != null && Password.Length > MaxCredentialLength) throw new ConfigurationException("password must be at most " + MaxCredentialLength + " characters");
        if (Password != null && User == null) throw new ConfigurationException("a password needs a user (MQTT 3.1.1 sends no password without a user name)");
        if (BufferReadings < 1 || BufferReadings > MaxBufferReadings) throw new ConfigurationException("buffer " + BufferReadings + " is not 1-" + MaxBufferReadings + " readings");
        if (Sensors == null || Sensors.Length == 0) throw new ConfigurationException("at least one sensor is needed");
        for (int i = 0; i < Sensors.Length; i++)
        {
            SensorSetting sensor = Sensors[i];
            string name = SensorKinds.Nickname(sensor.Kind);
            if (sensor.RateHz < 1 || sensor.RateHz > MaxRateHz) throw new ConfigurationException("rate of " + name + " is " + sensor.RateHz + " Hz, not 1-" + MaxRateHz);
            for (int j = 0; j < i; j++)
            {
                if (Sensors[j].Kind == sensor.Kind) throw new ConfigurationException("sensor " + name + " is listed twice");
            }
        }
    }

    /// <summary>docs/mqtt.md: 1-32 characters of A-Z a-z 0-9 _ -.</summary>
    public static bool IsValidNodeName(string name)
    {
        if (name == null || name.Length < 1 || name.Length > 32) return false;
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            if (!ok) return false;
        }

        return true;
    }

    /// <summary>host:port, the host being a name or IPv4 address.</summary>
    public static void ParseBroker(string broker, out string host, out int port)
    {
        int colon = broker.LastIndexOf(':');
        if (colon <= 0) throw new ConfigurationException("broker '" + broker + "' must be host:port");
        host = broker.Substring(0, colon);
        port = ParseNumber(broker.Substring(colon + 1), "broker port");
    }

    private static string Once(string? previous, string key, string value)
    {
        if (previous != null) throw new ConfigurationException(key + " is given twice");
        return value;
    }

    private static int ParseNumber(string text, string what)
    {
        if (text.Length == 0 || text.Length > 9) throw new ConfigurationException(what + " '" + text + "' is not a number");
        int value = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c < '0' || c > '9') throw new ConfigurationException(what + " '" + text + "' is not a number");
            value = value * 10 + (c - '0');
        }

        return value;
    }
}

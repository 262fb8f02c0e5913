using System;
using SimIoT.Firmware.Config;
using SimIoT.Firmware.Network;
using SimIoT.Firmware.Payload;
using SimIoT.Firmware.Readings;
using SimIoT.Firmware.Sensors;
using SimIoT.Firmware.Timing;

namespace SimIoT.Firmware;

/// <summary>
/// The node: samples each sensor on its schedule into the ring, keeps the broker connection
/// (capped exponential backoff with jitter between attempts) and publishes the ring oldest first
/// at QoS 1, removing a reading only after its PUBACK. Each <see cref="RunOnce"/> is bounded (a
/// few sensor reads, one connect attempt, at most <see cref="MaxPublishesPerPass"/> publishes,
/// a sleep of at most <see cref="MaxSleepMilliseconds"/>), so a watchdog fed once per pass never fires
/// on a healthy node.
/// </summary>
public sealed class NodeLoop
{
    public const int MaxSleepMilliseconds = 100;
    public const int MaxPublishesPerPass = 16;
    public const int InitialBackoffMilliseconds = 1000;
    public const int MaxBackoffMilliseconds = 60000;

    private readonly NodeConfiguration _config;
    private readonly ISensor[] _sensors;
    private readonly SamplingSchedule[] _schedules;
    private readonly bool[] _open;
    private readonly long[] _reopenAt;
    private readonly Backoff[] _sensorBackoff;
    private readonly string[] _topics = new string[3];
    private readonly IMqttLink _link;
    private readonly IClock _clock;
    private readonly ISleeper _sleeper;
    private readonly INodeObserver _observer;
    private readonly Backoff _brokerBackoff;
    private readonly int[] _values = new int[3];
    private long _nextConnectAt;
    private bool _connected;

    public NodeLoop(NodeConfiguration config, ISensor[] sensors, IMqttLink link, IClock clock, ISleeper sleeper, INodeObserver observer, Random random)
    {
        config.Validate();
        _config = config;
        _link = link;
        _clock = clock;
        _sleeper = sleeper;
        _observer = observer;
        _brokerBackoff = new Backoff(InitialBackoffMilliseconds, MaxBackoffMilliseconds, random);
        Ring = new ReadingRing(config.BufferReadings);
        int count = config.Sensors.Length;
        _sensors = new ISensor[count];
        _schedules = new SamplingSchedule[count];
        _open = new bool[count];
        _reopenAt = new long[count];
        _sensorBackoff = new Backoff[count];
        long now = clock.UptimeMilliseconds;
        for (int i = 0; i < count; i++)
        {
            SensorSetting setting = config.Sensors[i];
            _sensors[i] = Find(sensors, setting.Kind);
            _schedules[i] = new SamplingSchedule(setting.RateHz, now);
            _sensorBackoff[i] = new Backoff(InitialBackoffMilliseconds, MaxBackoffMilliseconds, random);
            _topics[(int)setting.Kind] = Topics.Reading(config.NodeName, SensorKinds.Nickname(setting.Kind));
        }

        _nextConnectAt = now;
    }

    public ReadingRing Ring { get; }

    public long Sampled { get; private set; }

    public long Published { get; private set; }

    public long SensorFailures { get; private set; }

    /// <summary>Connect attempts refused or unanswered, and connections lost, since start.</summary>
    public long LinkFailures { get; private set; }

    public string? LastError { get; private set; }

    public bool IsConnected => _connected;

    /// <summary>One bounded pass: sample what is due, keep the link, publish, sleep until the next due sample.</summary>
    public void RunOnce()
    {
        long now = _clock.UptimeMilliseconds;
        Sample(now);
        if (_connected && !_link.IsConnected) LoseConnection("connection to the broker lost");
        if (!_connected && now >= _nextConnectAt) Connect();
        if (_connected) Publish();

        long next = now + MaxSleepMilliseconds;
        for (int i = 0; i < _schedules.Length; i++)
        {
            if (_schedules[i].NextDueMilliseconds < next) next = _schedules[i].NextDueMilliseconds;
        }

        long wait = next - _clock.UptimeMilliseconds;
        if (_connected && Ring.Count > 0) wait = 0; // a backlog to deliver: go on at once
        if (wait > 0) _sleeper.Sleep((int)wait);
    }

    private static ISensor Find(ISensor[] sensors, SensorKind kind)
    {
        for (int i = 0; i < sensors.Length; i++)
        {
            if (sensors[i].Kind == kind) return sensors[i];
        }

        throw new ConfigurationException("no " + SensorKinds.Nickname(kind) + " sensor on this node");
    }

    private void Sample(long now)
    {
        for (int i = 0; i < _sensors.Length; i++)
        {
            if (!_schedules[i].TakeDue(now)) continue;
            ISensor sensor = _sensors[i];
            try
            {
                if (!_open[i])
                {
                    if (now < _reopenAt[i]) continue;
                    sensor.Open();
                    _open[i] = true;
                    _sensorBackoff[i].Reset();
                }

                sensor.Read(_values);
                Ring.Add(sensor.Kind, NodeTime.Stamp(_clock), _values);
                Sampled++;
            }
            catch (SensorException e)
            {
                _open[i] = false;
                SensorFailures++;
                int delay = _sensorBackoff[i].NextDelayMilliseconds();
                _reopenAt[i] = now + delay;
                Fault(SensorKinds.Nickname(sensor.Kind) + ": " + e.Message + "; re-open in " + delay + " ms");
            }
        }
    }

    private void Connect()
    {
        string target = _config.BrokerHost + ":" + _config.BrokerPort;
        string failure;
        try
        {
            byte code = _link.Connect(_config.NodeName, _config.User, _config.Password);
            if (code == 0)
            {
                _connected = true;
                _brokerBackoff.Reset();
                _observer.Event("connected to " + target + " as " + _config.NodeName + "; " + Ring.Count + " readings buffered, " + Ring.Dropped + " dropped so far");
                return;
            }

            failure = "broker " + target + " refused the connection: " + DescribeConnack(code);
        }
        catch (LinkException e)
        {
            failure = "broker " + target + " unreachable: " + e.Message;
        }

        LinkFailures++;
        int delay = _brokerBackoff.NextDelayMilliseconds();
        _nextConnectAt = _clock.UptimeMilliseconds + delay; // from the end of the attempt, which may have taken the link's whole timeout
        Fault(failure + "; retry in " + delay + " ms");
    }

    private void Publish()
    {
        for (int n = 0; n < MaxPublishesPerPass; n++)
        {
            Reading? reading = Ring.PeekOldest();
            if (reading == null) return;
            string topic = _topics[(int)reading.Kind];
            byte[] payload = ReadingPayload.Encode(reading.UnixMicroseconds, reading.Values, SensorKinds.Axes(reading.Kind));
            bool acknowledged;
            try
            {
                acknowledged = _link.Publish(topic, payload);
            }
            catch (LinkException)
            {
                acknowledged = false;
            }

            if (!acknowledged)
            {
                // Maybe delivered, maybe not: the reading stays and goes again after reconnecting (QoS 1 is at-least-once).
                _connected = false;
                _link.Disconnect();
                LinkFailures++;
                int delay = _brokerBackoff.NextDelayMilliseconds();
                _nextConnectAt = _clock.UptimeMilliseconds + delay;
                Fault("publish to " + topic + " not acknowledged, connection lost; " + Ring.Count + " readings buffered; reconnect in " + delay + " ms");
                return;
            }

            _observer.Published(topic, reading, payload);
            Ring.RemoveOldest();
            Published++;
        }
    }

    private void LoseConnection(string reason)
    {
        _connected = false;
        _link.Disconnect();
        LinkFailures++;
        int delay = _brokerBackoff.NextDelayMilliseconds();
        _nextConnectAt = _clock.UptimeMilliseconds + delay;
        Fault(reason + "; " + Ring.Count + " readings buffered; reconnect in " + delay + " ms");
    }

    private void Fault(string message)
    {
        LastError = message;
        _observer.Event(message);
    }

    private static string DescribeConnack(byte code)
    {
        switch (code)
        {
            case 1: return "unacceptable protocol version (CONNACK 1)";
            case 2: return "client id rejected (CONNACK 2)";
            case 3: return "server unavailable (CONNACK 3)";
            case 4: return "bad user name or password (CONNACK 4)";
            case 5: return "not authorized (CONNACK 5)";
            default: return "CONNACK " + code;
        }
    }
}

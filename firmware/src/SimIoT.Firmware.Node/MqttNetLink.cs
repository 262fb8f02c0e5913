using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;
using SimIoT.Firmware.Network;

namespace SimIoT.Firmware.Node;

/// <summary>
/// The core's MQTT link over MQTTnet, speaking MQTT 3.1.1 as M2Mqtt does on the device: a fresh
/// client per connection, every call bounded by <see cref="Timeout"/>.
/// </summary>
public sealed class MqttNetLink(string host, int port) : IMqttLink, IDisposable
{
    private readonly MqttClientFactory _factory = new();
    private IMqttClient? _client;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    public bool IsConnected => _client?.IsConnected == true;

    public byte Connect(string clientId, string? user, string? password)
    {
        Disconnect();
        _client = _factory.CreateMqttClient();
        var builder = new MqttClientOptionsBuilder().WithTcpServer(host, port).WithClientId(clientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V311).WithTimeout(Timeout).WithCleanSession(true);
        if (user is not null) builder = builder.WithCredentials(user, password);
        try
        {
            using var cts = new CancellationTokenSource(Timeout);
            return Code(_client.ConnectAsync(builder.Build(), cts.Token).GetAwaiter().GetResult().ResultCode);
        }
        catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            throw new LinkException(e.Message);
        }
    }

    public bool Publish(string topic, byte[] payload)
    {
        if (_client is not { IsConnected: true }) return false;
        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
        try
        {
            using var cts = new CancellationTokenSource(Timeout);
            return _client.PublishAsync(message, cts.Token).GetAwaiter().GetResult().ReasonCode == MqttClientPublishReasonCode.Success;
        }
        catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException or InvalidOperationException)
        {
            return false;
        }
    }

    public void Disconnect()
    {
        var client = _client;
        _client = null;
        if (client is null) return;
        try
        {
            if (client.IsConnected)
            {
                using var cts = new CancellationTokenSource(Timeout);
                client.DisconnectAsync(new MqttClientDisconnectOptions(), cts.Token).GetAwaiter().GetResult();
            }
        }
        catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException or InvalidOperationException)
        {
            // Already gone: nothing to close.
        }
        finally
        {
            client.Dispose();
        }
    }

    public void Dispose() => Disconnect();

    /// <summary>MQTTnet reports 3.1.1 CONNACK codes with MQTT 5 names; the core wants the 3.1.1 byte, as M2Mqtt returns it.</summary>
    private static byte Code(MqttClientConnectResultCode code) => code switch
    {
        MqttClientConnectResultCode.Success => 0,
        MqttClientConnectResultCode.UnsupportedProtocolVersion => 1,
        MqttClientConnectResultCode.ClientIdentifierNotValid => 2,
        MqttClientConnectResultCode.ServerUnavailable => 3,
        MqttClientConnectResultCode.BadUserNameOrPassword => 4,
        MqttClientConnectResultCode.NotAuthorized => 5,
        _ => (byte)code,
    };
}

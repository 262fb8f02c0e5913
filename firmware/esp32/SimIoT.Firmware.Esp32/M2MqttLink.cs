using System;
using System.Threading;
using nanoFramework.M2Mqtt;
using nanoFramework.M2Mqtt.Exceptions;
using nanoFramework.M2Mqtt.Messages;
using SimIoT.Firmware.Network;

namespace SimIoT.Firmware.Esp32
{
    /// <summary>
    /// The core's MQTT link over nanoFramework's M2Mqtt client (MQTT 3.1.1). Publish waits for the
    /// MqttMsgPublished event of its message id, at most <see cref="TimeoutMs"/>, so the loop stays bounded.
    /// </summary>
    internal sealed class M2MqttLink : IMqttLink
    {
        private const int TimeoutMs = 5000;
        private readonly string _host;
        private readonly int _port;
        private readonly AutoResetEvent _published = new AutoResetEvent(false);
        private MqttClient _client;
        private ushort _waitingFor;
        private bool _acknowledged;

        public M2MqttLink(string host, int port)
        {
            _host = host;
            _port = port;
        }

        public bool IsConnected => _client != null && _client.IsConnected;

        public byte Connect(string clientId, string user, string password)
        {
            Disconnect();
            try
            {
                _client = new MqttClient(_host, _port, false, null, null, MqttSslProtocols.None);
                _client.ProtocolVersion = MqttProtocolVersion.Version_3_1_1;
                _client.MqttMsgPublished += OnPublished;
                return (byte)_client.Connect(clientId, user, password);
            }
            catch (MqttConnectionException e)
            {
                _client = null;
                throw new LinkException(e.Message);
            }
        }

        public bool Publish(string topic, byte[] payload)
        {
            if (!IsConnected) return false;
            try
            {
                _published.Reset();
                _acknowledged = false;
                _waitingFor = _client.Publish(topic, payload, MqttQoSLevel.AtLeastOnce, false);
                return _published.WaitOne(TimeoutMs, false) && _acknowledged;
            }
            catch (Exception)
            {
                return false; // the connection went away under the publish: maybe delivered, the core sends it again
            }
        }

        public void Disconnect()
        {
            MqttClient client = _client;
            _client = null;
            if (client == null) return;
            client.MqttMsgPublished -= OnPublished;
            try
            {
                if (client.IsConnected) client.Disconnect();
            }
            catch (Exception)
            {
                // Already closed by the broker or the network.
            }
        }

        private void OnPublished(object sender, MqttMsgPublishedEventArgs e)
        {
            if (e.MessageId != _waitingFor) return;
            _acknowledged = e.IsPublished;
            _published.Set();
        }
    }
}

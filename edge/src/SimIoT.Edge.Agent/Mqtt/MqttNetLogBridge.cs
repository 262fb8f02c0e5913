using System.Globalization;
using Microsoft.Extensions.Logging;
using MQTTnet.Diagnostics.Logger;

namespace SimIoT.Edge.Mqtt;

/// <summary>
/// Forwards MQTTnet's own warnings and errors (a client's broken packet, a listener failure) to the
/// agent's log; its verbose and info chatter stays out.
/// </summary>
internal sealed class MqttNetLogBridge(ILogger logger) : IMqttNetLogger
{
    public bool IsEnabled => true;

    public void Publish(MqttNetLogLevel logLevel, string source, string message, object[] parameters, Exception exception)
    {
        var level = logLevel switch
        {
            MqttNetLogLevel.Error => LogLevel.Error,
            MqttNetLogLevel.Warning => LogLevel.Warning,
            _ => LogLevel.None,
        };
        if (level == LogLevel.None || !logger.IsEnabled(level)) return;
        string text = parameters is { Length: > 0 } ? string.Format(CultureInfo.InvariantCulture, message, parameters) : message;
#pragma warning disable CA2254 // The text is MQTTnet's, already formatted.
        logger.Log(level, exception, "MQTTnet {Source}: " + text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal), source);
#pragma warning restore CA2254
    }
}

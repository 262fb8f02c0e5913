using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SimIoT.Cloud.Tests.Infrastructure;

/// <summary>Collects error-level log lines so a test fails on them (MQTTnet's habit), and warnings for tests that look at them.</summary>
public sealed class ErrorLogCollector : ILoggerProvider
{
    public ConcurrentQueue<string> Errors { get; } = new();

    public ConcurrentQueue<string> Warnings { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Collector(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Collector(ErrorLogCollector owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error) owner.Errors.Enqueue($"{category}: {formatter(state, exception)} {exception}");
            else if (logLevel == LogLevel.Warning) owner.Warnings.Enqueue($"{category}: {formatter(state, exception)}");
        }
    }
}

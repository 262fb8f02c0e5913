using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SimIoT.Edge.Sim.Tests;

/// <summary>Keeps log lines so a failing test can show what the terminal did.</summary>
public sealed class ListLogger<T> : ILogger<T>
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue($"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");

    public override string ToString() => string.Join("\n", Lines);
}

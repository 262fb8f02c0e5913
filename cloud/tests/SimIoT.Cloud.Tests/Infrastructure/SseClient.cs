using System.Text.Json;
using System.Threading.Channels;

namespace SimIoT.Cloud.Tests.Infrastructure;

/// <summary>Reads /api/events over a real HTTP connection into a channel of (event, data).</summary>
public sealed class SseClient : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SseClient(HttpClient http, string path)
    {
        _reader = Task.Run(() => ReadAsync(http, path));
    }

    public Channel<(string Event, JsonElement Data)> Events { get; } = Channel.CreateUnbounded<(string, JsonElement)>();

    public static async Task<SseClient> ConnectAsync(HttpClient http, string path = "/api/events")
    {
        var client = new SseClient(http, path);
        await client._open.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return client;
    }

    public async Task<JsonElement> NextAsync(string eventName, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var (name, data) = await Events.Reader.ReadAsync(cts.Token);
            if (name == eventName && (match is null || match(data))) return data;
        }
    }

    private async Task ReadAsync(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, _stop.Token);
            using var stream = await response.Content.ReadAsStreamAsync(_stop.Token);
            using var reader = new StreamReader(stream);
            string? name = null;
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.StartsWith(": connected", StringComparison.Ordinal)) _open.TrySetResult();
                else if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line[7..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal) && name is not null)
                {
                    Events.Writer.TryWrite((name, JsonDocument.Parse(line[6..]).RootElement.Clone()));
                    name = null;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            _open.TrySetException(ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try { await _reader; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}

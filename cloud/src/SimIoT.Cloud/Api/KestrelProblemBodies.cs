using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.WebUtilities;

namespace SimIoT.Cloud.Api;

/// <summary>
/// Kestrel answers a request it cannot parse (bad request line 400, URL too long 414, headers too
/// large 431) itself, before any middleware runs, with an empty body, and offers no hook to
/// change it (aspnet/KestrelHttpServer#2947). This connection middleware recognises exactly that
/// answer as it is written (a whole header block with those statuses, `Content-Length: 0` and
/// `Connection: close`: the application's own 4xx answers carry a body from the status code
/// pages) and writes it again with an RFC 9457 ProblemDetails body. Anything else passes through
/// untouched. It sits on the plain connection, so it covers HTTP/1.1 without TLS (the
/// reverse-proxy set-up of docs/security.md); behind Kestrel's own TLS, Kestrel's empty answers stay.
/// </summary>
internal static class KestrelProblemBodies
{
    public static ConnectionDelegate Wrap(ConnectionDelegate next) => async connection =>
    {
        var transport = connection.Transport;
        connection.Transport = new Pipe(transport.Input, new RewritingWriter(transport.Output));
        try
        {
            await next(connection);
        }
        finally
        {
            connection.Transport = transport;
        }
    };

    /// <summary>The answer to write instead of <paramref name="written"/>, or null to leave it.</summary>
    internal static byte[]? Rewrite(ReadOnlySpan<byte> written)
    {
        if (written.Length < 64 || !written.StartsWith("HTTP/1.1 4"u8) || !written.EndsWith("\r\n\r\n"u8)) return null;
        var head = Encoding.ASCII.GetString(written);
        if (!int.TryParse(head.AsSpan(9, 3), out var status) || status is not (400 or 414 or 431)) return null;
        const string empty = "\r\nContent-Length: 0\r\n";
        if (!head.Contains(empty, StringComparison.Ordinal) || !head.Contains("\r\nConnection: close\r\n", StringComparison.Ordinal)) return null;
        var reason = ReasonPhrases.GetReasonPhrase(status);
        var body = $$"""{"type":"https://www.rfc-editor.org/rfc/rfc9110#status.{{status}}","title":"{{reason}}","status":{{status}},"detail":"the server could not read the request ({{reason}})"}""";
        var bytes = Encoding.ASCII.GetByteCount(body);
        return Encoding.ASCII.GetBytes(head.Replace(empty, $"\r\nContent-Type: application/problem+json\r\nContent-Length: {bytes}\r\n", StringComparison.Ordinal) + body);
    }

    private sealed class Pipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }

    /// <summary>Passes every write through, looking at each one as it is committed.</summary>
    private sealed class RewritingWriter(PipeWriter inner) : PipeWriter
    {
        private Memory<byte> _handedOut;

        public override Memory<byte> GetMemory(int sizeHint = 0) => _handedOut = inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        // A writer may commit one memory block in several Advance calls (Pipe allows it), so what
        // is handed out is sliced as it is committed, not forgotten.
        public override void Advance(int bytes)
        {
            if (bytes > 0 && bytes <= _handedOut.Length && Rewrite(_handedOut.Span[..bytes]) is { } answer)
            {
                _handedOut = default;
                answer.CopyTo(inner.GetSpan(answer.Length));
                inner.Advance(answer.Length);
                return;
            }
            inner.Advance(bytes);
            _handedOut = bytes <= _handedOut.Length ? _handedOut[bytes..] : default;
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;
    }
}

using System.Buffers.Binary;
using System.Net;
using Microsoft.Extensions.Logging;
using SimIoT.Edge.Card;
using SimIoT.Edge.Toolkit.Commands;
using SimIoT.Edge.Toolkit.Responses;
using SimIoT.Edge.Toolkit.Tlv;

namespace SimIoT.Edge.Toolkit.Terminal;

/// <summary>
/// The modem's side of the Card Application Toolkit: after every exchange that ends in
/// 91xx it fetches the card's proactive commands, carries them out (UDP channels, timers,
/// refresh) and answers each with a TERMINAL RESPONSE; it tells the card about arriving
/// datagrams and expired timers with ENVELOPEs. One APDU at a time goes to the card.
/// </summary>
public sealed class ToolkitTerminal : IAsyncDisposable
{
    // The TR carries at most 255 bytes; with its fixed objects that leaves 237 for channel data.
    private const int MaxReceiveChunk = 237;
    private const int ChannelId = 1;

    private readonly CardOwner _card;
    private readonly IModemControl _modem;
    private readonly ToolkitTerminalOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _exclusive = new(1, 1);
    private readonly CardTimers _timers;
    private readonly HashSet<byte> _events = [];
    private UdpBearerChannel? _channel;
    private int _disposed;
    private int _backgroundFailures;

    public ToolkitTerminal(ICardChannel card, IModemControl modem, ToolkitTerminalOptions options, TimeProvider time, ILogger<ToolkitTerminal> log)
    {
        _card = new CardOwner(card ?? throw new ArgumentNullException(nameof(card)), "card owner (toolkit terminal)");
        _modem = modem;
        _options = options;
        _time = time;
        _log = log;
        _timers = new CardTimers(time, (id, value) => Background(() => EnvelopeAsync(Envelopes.TimerExpired(id, value), CancellationToken.None), $"timer {id} expiry"));
    }

    /// <summary>The card's session as of the last APDU (see <see cref="ICardChannel.Session"/>), read without touching the card.</summary>
    public long CardSession => _card.Session;

    /// <summary>The open BIP channel, if the card has opened one.</summary>
    public UdpBearerChannel? Channel => Volatile.Read(ref _channel);

    /// <summary>
    /// Raised after the card has been told of a datagram and has read it: the moment to ask
    /// it for a verified uplink acknowledgement (docs/applet.md, "What the edge terminal must do").
    /// </summary>
    public event Func<Task>? DownlinkDelivered;

    /// <summary>Raised for every datagram the card sends, before it leaves (the frames to keep until acknowledged).</summary>
    public event Action<ReadOnlyMemory<byte>>? DatagramSent;

    /// <summary>
    /// Decides for each datagram of the card whether it goes out now; false keeps it for the
    /// caller's store-and-forward (the card is told it was sent: the modem has taken charge of it).
    /// </summary>
    public Func<ReadOnlyMemory<byte>, bool>? SendNow { get; set; }

    /// <summary>
    /// Sees every datagram from the network before the card does; false keeps it from the card
    /// (one meant for the modem itself, such as the cloud's path challenge).
    /// </summary>
    public Func<ReadOnlyMemory<byte>, bool>? Received { get; set; }

    /// <summary>Failures of background work (envelopes after a datagram or a timer), for health reporting.</summary>
    public int BackgroundFailures => Volatile.Read(ref _backgroundFailures);

    /// <summary>
    /// Sends a command to the card and carries out every proactive command it raises
    /// before returning the card's answer to the original command.
    /// </summary>
    public async Task<ResponseApdu> ExchangeAsync(ReadOnlyMemory<byte> command, CancellationToken cancellationToken)
    {
        await _exclusive.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // One PC/SC transaction: no other client's APDU comes between the command, FETCH and TERMINAL RESPONSE.
            await using var exchange = await _card.BeginExchangeAsync(cancellationToken).ConfigureAwait(false);
            var response = await TransmitAsync(command).ConfigureAwait(false);
            await DrainProactiveCommandsAsync(response, cancellationToken).ConfigureAwait(false);
            return response;
        }
        finally
        {
            _exclusive.Release();
        }
    }

    public Task<ResponseApdu> SendTerminalProfileAsync(CancellationToken cancellationToken) =>
        ExchangeAsync(ToolkitApdu.TerminalProfile(TerminalProfile.SimIoT()), cancellationToken);

    /// <summary>Sends an ENVELOPE, repeating it while the card says 9300 (toolkit busy).</summary>
    public async Task<ResponseApdu> EnvelopeAsync(byte[] template, CancellationToken cancellationToken)
    {
        var apdu = ToolkitApdu.Envelope(template);
        for (int attempt = 0; ; attempt++)
        {
            var response = await ExchangeAsync(apdu, cancellationToken).ConfigureAwait(false);
            if (response.StatusWord != 0x9300 || attempt >= 20) return response;
            await Task.Delay(_options.BusyRetryDelay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _timers.Dispose();
        if (Interlocked.Exchange(ref _channel, null) is { } channel) await channel.DisposeAsync().ConfigureAwait(false);
        await _card.DisposeAsync().ConfigureAwait(false);
    }

    // The card owner's thread does the blocking transmit. Not cancellable: a proactive session left
    // between FETCH and TERMINAL RESPONSE would leave the card waiting.
    private async Task<ResponseApdu> TransmitAsync(ReadOnlyMemory<byte> apdu) =>
        ResponseApdu.Parse(await _card.TransmitAsync(apdu, CancellationToken.None).ConfigureAwait(false));

    private async Task DrainProactiveCommandsAsync(ResponseApdu response, CancellationToken cancellationToken)
    {
        for (int chain = 0; response.HasProactiveCommand; chain++)
        {
            if (chain >= _options.MaxProactiveChain)
            {
                _log.LogError("Card raised more than {Max} proactive commands in a row; stopping to fetch", _options.MaxProactiveChain);
                return;
            }
            var fetched = await TransmitAsync(ToolkitApdu.Fetch(response.Sw2)).ConfigureAwait(false);
            if (fetched.StatusWord != 0x9000)
            {
                _log.LogWarning("FETCH answered {StatusWord:X4}", fetched.StatusWord);
                return;
            }
            var terminalResponse = await ExecuteAsync(fetched.Data, cancellationToken).ConfigureAwait(false);
            response = await TransmitAsync(ToolkitApdu.TerminalResponse(terminalResponse)).ConfigureAwait(false);
        }
    }

    private async Task<byte[]> ExecuteAsync(byte[] fetched, CancellationToken cancellationToken)
    {
        if (!ProactiveCommand.TryParse(fetched, out var command, out var error))
        {
            _log.LogWarning("Unparseable proactive command ({Error}): {Hex}", error, Convert.ToHexString(fetched));
            return UnparseableResponse(fetched);
        }
        _log.LogDebug("Proactive {Command}", command);
        try
        {
            return command.Type switch
            {
                ToolkitCommandType.OpenChannel => OpenChannel(command),
                ToolkitCommandType.SendData => await SendDataAsync(command, cancellationToken).ConfigureAwait(false),
                ToolkitCommandType.ReceiveData => ReceiveData(command),
                ToolkitCommandType.CloseChannel => await CloseChannelAsync(command).ConfigureAwait(false),
                ToolkitCommandType.GetChannelStatus => GetChannelStatus(command),
                ToolkitCommandType.Refresh => await RefreshAsync(command, cancellationToken).ConfigureAwait(false),
                ToolkitCommandType.TimerManagement => ManageTimer(command),
                ToolkitCommandType.SetUpEventList => SetUpEventList(command),
                _ => NotSupported(command),
            };
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
        {
            _log.LogWarning(ex, "{Command} failed", command);
            return TerminalResponse.BipError(command, BipErrorCause.RemoteDeviceNotReachable);
        }
    }

    private byte[] OpenChannel(ProactiveCommand command)
    {
        if (!OpenChannelParameters.TryRead(command, out var p, out var error))
        {
            _log.LogWarning("OPEN CHANNEL rejected: {Error}", error);
            return TerminalResponse.Simple(command, GeneralResult.RequiredValuesMissing);
        }
        if (p.Protocol != TransportProtocol.UdpClientRemote)
            return TerminalResponse.BipError(command, BipErrorCause.TransportLevelNotAvailable);
        if (_channel is not null)
            return TerminalResponse.BipError(command, BipErrorCause.NoChannelAvailable);

        int granted = Math.Min(p.BufferSize, _options.MaxBufferSize);
        _channel = new UdpBearerChannel(ChannelId, new IPEndPoint(p.Address, p.Port), granted, OnDatagram, datagram =>
        {
            DatagramSent?.Invoke(datagram);
            return SendNow?.Invoke(datagram) ?? true;
        }, datagram => Received?.Invoke(datagram) ?? true);
        _log.LogInformation("Channel {Id} open: UDP to {Remote} from {Local}, buffer {Buffer}", ChannelId, _channel.Remote, _channel.LocalEndPoint, granted);

        var bearer = new byte[1 + p.BearerParameters.Length];
        bearer[0] = p.BearerType;
        p.BearerParameters.Span.CopyTo(bearer.AsSpan(1));
        var buffer = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(buffer, (ushort)granted);
        return TerminalResponse.Start(command, granted < p.BufferSize ? GeneralResult.PerformedWithModification : GeneralResult.Success)
            .Add(ToolkitTag.ChannelStatus, ChannelStatus.Encode(ChannelId, linkEstablished: true))
            .Add(ToolkitTag.BearerDescription, bearer)
            .Add(ToolkitTag.BufferSize, buffer)
            .ToArray();
    }

    private async Task<byte[]> SendDataAsync(ProactiveCommand command, CancellationToken cancellationToken)
    {
        if (ChannelFor(command) is not { } channel) return TerminalResponse.BipError(command, BipErrorCause.ChannelIdentifierNotValid);
        var data = command.Find(ToolkitTag.ChannelData) ?? ReadOnlyMemory<byte>.Empty;
        bool now = (command.Qualifier & 0x01) != 0;
        if (!await channel.WriteAsync(data, now, cancellationToken).ConfigureAwait(false))
            return TerminalResponse.BipError(command, BipErrorCause.RequestedBufferSizeNotAvailable);
        return TerminalResponse.Start(command, GeneralResult.Success)
            .Add(ToolkitTag.ChannelDataLength | ToolkitTag.ComprehensionRequired, (byte)Math.Min(channel.FreeTransmitSpace, 0xFF))
            .ToArray();
    }

    private byte[] ReceiveData(ProactiveCommand command)
    {
        if (ChannelFor(command) is not { } channel) return TerminalResponse.BipError(command, BipErrorCause.ChannelIdentifierNotValid);
        if (command.Find(ToolkitTag.ChannelDataLength) is not { Length: 1 } length)
            return TerminalResponse.Simple(command, GeneralResult.RequiredValuesMissing);
        int requested = Math.Min((int)length.Span[0], MaxReceiveChunk);
        var data = channel.Read(requested);
        // Fewer bytes than asked for is "performed, missing information" (§6.4.29).
        var result = data.Length < requested ? GeneralResult.MissingInformation : GeneralResult.Success;
        return TerminalResponse.Start(command, result)
            .Add(ToolkitTag.ChannelData | ToolkitTag.ComprehensionRequired, data)
            .Add(ToolkitTag.ChannelDataLength | ToolkitTag.ComprehensionRequired, (byte)Math.Min(channel.Available, 0xFF))
            .ToArray();
    }

    private async Task<byte[]> CloseChannelAsync(ProactiveCommand command)
    {
        if (ChannelFor(command) is not { } channel) return TerminalResponse.BipError(command, BipErrorCause.ChannelIdentifierNotValid);
        Volatile.Write(ref _channel, null);
        await channel.DisposeAsync().ConfigureAwait(false);
        _log.LogInformation("Channel {Id} closed", channel.Id);
        return TerminalResponse.Simple(command, GeneralResult.Success);
    }

    private byte[] GetChannelStatus(ProactiveCommand command)
    {
        var writer = TerminalResponse.Start(command, GeneralResult.Success);
        writer.Add(ToolkitTag.ChannelStatus, _channel is null ? [0x00, 0x00] : ChannelStatus.Encode(_channel.Id, linkEstablished: true));
        return writer.ToArray();
    }

    private async Task<byte[]> RefreshAsync(ProactiveCommand command, CancellationToken cancellationToken)
    {
        _log.LogInformation("REFRESH (qualifier {Qualifier:x2}): re-attaching", command.Qualifier);
        try
        {
            await _modem.RefreshAsync(command.Qualifier, cancellationToken).ConfigureAwait(false);
            return TerminalResponse.Simple(command, GeneralResult.Success);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _log.LogError(ex, "Modem refresh failed");
            return TerminalResponse.Simple(command, GeneralResult.TerminalUnableNow, 0x00);
        }
    }

    private byte[] ManageTimer(ProactiveCommand command)
    {
        if (command.Find(ToolkitTag.TimerIdentifier) is not { Length: 1 } idValue || !CardTimers.IsValidId(idValue.Span[0]))
            return TerminalResponse.Simple(command, GeneralResult.CommandDataNotUnderstood);
        byte id = idValue.Span[0];
        switch (command.Qualifier & 0x03)
        {
            case 0x00:
                if (command.Find(ToolkitTag.TimerValue) is not { } value || !TimerValue.TryRead(value.Span, out var duration))
                    return TerminalResponse.Simple(command, GeneralResult.RequiredValuesMissing);
                _timers.Start(id, duration);
                _log.LogDebug("Timer {Id} started for {Duration}", id, duration);
                return TerminalResponse.Start(command, GeneralResult.Success).Add(ToolkitTag.TimerIdentifier | ToolkitTag.ComprehensionRequired, id).ToArray();
            case 0x01:
            case 0x02:
                var left = (command.Qualifier & 0x03) == 0x01 ? _timers.Stop(id) : _timers.Remaining(id);
                if (left is null) return TerminalResponse.Simple(command, GeneralResult.CommandDataNotUnderstood);
                return TerminalResponse.Start(command, GeneralResult.Success)
                    .Add(ToolkitTag.TimerIdentifier | ToolkitTag.ComprehensionRequired, id)
                    .Add(ToolkitTag.TimerValue | ToolkitTag.ComprehensionRequired, TimerValue.Encode(TimeSpan.FromSeconds(Math.Floor(left.Value.TotalSeconds))))
                    .ToArray();
            default:
                return TerminalResponse.Simple(command, GeneralResult.CommandDataNotUnderstood);
        }
    }

    private byte[] SetUpEventList(ProactiveCommand command)
    {
        // Read on the UDP receive thread (OnDatagram), written here: under a lock.
        lock (_events)
        {
            _events.Clear();
            if (command.Find(ToolkitTag.EventList) is { } list)
            {
                foreach (var e in list.Span) _events.Add(e);
            }
        }
        return TerminalResponse.Simple(command, GeneralResult.Success);
    }

    private byte[] NotSupported(ProactiveCommand command)
    {
        _log.LogInformation("Proactive command type {Type:x2} is beyond this terminal", command.TypeCode);
        return TerminalResponse.Simple(command, GeneralResult.BeyondTerminalCapabilities);
    }

    private UdpBearerChannel? ChannelFor(ProactiveCommand command) =>
        _channel is { } channel && command.Destination == DeviceIdentity.Channel(channel.Id) ? channel : null;

    private void OnDatagram(UdpBearerChannel channel)
    {
        lock (_events)
        {
            if (!_events.Contains(Envelopes.EventDataAvailable)) return;
        }

        Background(async () =>
        {
            await EnvelopeAsync(Envelopes.DataAvailable(channel.Id, channel.Available), CancellationToken.None).ConfigureAwait(false);
            if (DownlinkDelivered is { } delivered) await delivered().ConfigureAwait(false);
        }, "data-available event");
    }

    private void Background(Func<Task> work, string what) => _ = Task.Run(async () =>
    {
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (ObjectDisposedException) when (Volatile.Read(ref _disposed) == 1)
        {
            // The session ended while this was on its way: the next session starts afresh.
            _log.LogDebug("The {What} was dropped: the terminal closed", what);
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref _backgroundFailures);
            _log.LogWarning(ex, "Sending the {What} to the card failed", what);
        }
    });

    // A command whose structure cannot be read still gets an answer, so the card is not left waiting.
    private static byte[] UnparseableResponse(byte[] fetched)
    {
        byte[] details = fetched.Length >= 7 && fetched[2] is 0x01 or 0x81 && fetched[3] == 3 ? fetched[4..7] : [0, 0, 0];
        return new TlvWriter()
            .Add(ToolkitTag.CommandDetails | ToolkitTag.ComprehensionRequired, details)
            .Add(ToolkitTag.DeviceIdentities | ToolkitTag.ComprehensionRequired, DeviceIdentity.Terminal, DeviceIdentity.Uicc)
            .Add(ToolkitTag.Result | ToolkitTag.ComprehensionRequired, (byte)GeneralResult.CommandDataNotUnderstood)
            .ToArray();
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SimIoT.Edge.Card.Pcsc;

/// <summary>
/// The card in the first reader whose name contains a configured substring, over PC/SC.
/// Connects lazily, waits for the card (SCardGetStatusChange) up to <see cref="CardWaitTimeout"/>,
/// and after a removal or reset reports <see cref="CardRemovedException"/> once and reconnects on
/// the next call, bumping <see cref="Session"/>.
/// </summary>
public sealed class PcscTransport : IApduTransport
{
    private readonly string _readerSubstring;
    private readonly CardProtocol _protocol;
    private readonly ILogger _logger;
    private PcscContext? _context;
    private PcscCard? _card;
    private byte[] _atr = [];

    public PcscTransport(string readerSubstring, CardProtocol protocol = CardProtocol.Any, ILogger? logger = null)
    {
        _readerSubstring = readerSubstring ?? throw new ArgumentNullException(nameof(readerSubstring));
        _protocol = protocol;
        _logger = logger ?? NullLogger.Instance;
    }

    public TimeSpan CardWaitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public ReadOnlyMemory<byte> Atr => _atr;

    public long Session { get; private set; }

    public string? ReaderName => _card?.Reader;

    public CardProtocol ActiveProtocol => _card?.Protocol ?? CardProtocol.None;

    /// <summary>Waits for a reader matching the substring and a card in it, then connects. False on timeout.</summary>
    public bool WaitForCard(TimeSpan timeout)
    {
        if (_card is not null) return true;
        _context ??= PcscContext.Establish();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            string? reader = _context.ListReaders().FirstOrDefault(r => r.Contains(_readerSubstring, StringComparison.OrdinalIgnoreCase));
            var left = deadline - DateTime.UtcNow;
            if (reader is null)
            {
                if (left <= TimeSpan.Zero) return false;
                Thread.Sleep(TimeSpan.FromMilliseconds(Math.Min(200, left.TotalMilliseconds)));
                continue;
            }

            var state = _context.WaitForChange(reader, null, TimeSpan.Zero)!;
            while (!state.CardPresent)
            {
                left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero) return false;
                state = _context.WaitForChange(reader, state, left) ?? state;
            }

            try
            {
                _card = _context.Connect(reader, _protocol);
            }
            catch (PcscException e) when (e.IsCardGone)
            {
                continue; // gone again between the status and the connect
            }

            _atr = state.Atr;
            Session++;
            _logger.LogInformation("Connected to the card in {Reader} with {Protocol}, ATR {Atr}", reader, _card.Protocol, Convert.ToHexString(_atr));
            return true;
        }
    }

    public byte[] Transmit(ReadOnlySpan<byte> apdu)
    {
        var card = Connected();
        try
        {
            var response = card.Transmit(apdu);
            if (response.Length >= 2) return response;
            // vpcd reports a card pulled mid-command as success with an empty answer; a real reader
            // cannot return fewer than SW1 SW2 either, so the card is treated as gone.
            _logger.LogWarning("Card in {Reader} answered {Length} bytes without a status word; treating it as removed", card.Reader, response.Length);
            Drop();
            throw new CardRemovedException("the card answered without a status word (removed mid-exchange)");
        }
        catch (PcscException e) when (IsLost(e))
        {
            throw Lost(e);
        }
    }

    /// <summary>
    /// A PC/SC transaction (SCardBeginTransaction … SCardEndTransaction): other clients of the card,
    /// such as <c>simiot-edge provision</c> or opensc-tool, wait until it ends instead of slipping
    /// their APDUs into this exchange.
    /// </summary>
    public IDisposable? BeginExchange()
    {
        var card = Connected();
        try
        {
            card.BeginTransaction();
        }
        catch (PcscException e) when (IsLost(e))
        {
            throw Lost(e);
        }

        return new Transaction(this, card);
    }

    private PcscCard Connected()
    {
        if (_card is null && !WaitForCard(CardWaitTimeout))
        {
            throw new CardRemovedException($"no card in a reader matching '{_readerSubstring}' within {CardWaitTimeout.TotalSeconds:0.#} s");
        }

        return _card!;
    }

    private static bool IsLost(PcscException e) => e.IsCardGone || e.Error is PcscError.NoService or PcscError.ServiceStopped;

    /// <summary>Forgets what a lost card, reset or PC/SC service leaves behind; the exception to throw.</summary>
    private CardRemovedException Lost(PcscException e)
    {
        if (e.Error == PcscError.ResetCard)
        {
            // Someone reset the card: the handle survives a reconnect, the card's RAM state does not.
            _card!.Reconnect(reset: false);
            Session++;
            _logger.LogWarning("Card in {Reader} was reset; reconnected", _card.Reader);
            return new CardRemovedException("the card was reset", e);
        }

        if (e.Error is PcscError.NoService or PcscError.ServiceStopped)
        {
            // pcscd went away (restart, crash): the context is dead too; start over on the next call.
            _logger.LogWarning("PC/SC service lost: {Reason}", e.Message);
            _card = null;
            _atr = [];
            _context?.Dispose();
            _context = null;
            return new CardRemovedException("the PC/SC service stopped", e);
        }

        _logger.LogWarning("Card in {Reader} went away: {Reason}", _card!.Reader, e.Message);
        Drop();
        return new CardRemovedException("the card was removed", e);
    }

    private void Drop()
    {
        _card?.Disconnect(reset: false);
        _card = null;
        _atr = [];
    }

    private sealed class Transaction(PcscTransport transport, PcscCard card) : IDisposable
    {
        private int _ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 1) return;
            try
            {
                card.EndTransaction();
            }
            catch (PcscException e)
            {
                // The card went away or was reset meanwhile: that ended the transaction; the next
                // Transmit reports it.
                transport._logger.LogDebug("SCardEndTransaction: {Reason}", e.Message);
            }
        }
    }

    public void Dispose()
    {
        _card?.Dispose();
        _card = null;
        _context?.Dispose();
        _context = null;
    }
}

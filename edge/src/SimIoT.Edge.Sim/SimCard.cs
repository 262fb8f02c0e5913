using System.Security.Cryptography;
using SimIoT.Edge.Toolkit.Terminal;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.Edge.Sim;

/// <summary>
/// The SimIoT applet as the agent sees it: select it, open the toolkit session, submit
/// readings (the card turns them into frames and raises SEND DATA), collect verified
/// uplink acknowledgements, read its status, personalise it. Every exchange goes through
/// the toolkit terminal, so proactive commands raised on the way are carried out.
/// </summary>
public sealed class SimCard
{
    private readonly ToolkitTerminal terminal;
    private int _datagramsSent;

    public SimCard(ToolkitTerminal terminal)
    {
        this.terminal = terminal;
        terminal.DatagramSent += _ => Interlocked.Increment(ref _datagramsSent);
    }

    /// <summary>Most reading bytes one SUBMIT READINGS carries (short APDU, Lc ≤ 255).</summary>
    public const int MaxSubmitLength = 255;

    public async Task SelectAsync(CancellationToken cancellationToken)
    {
        var select = new byte[5 + SimAppletCommands.Aid.Length];
        select[1] = 0xA4;
        select[2] = 0x04;
        select[4] = (byte)SimAppletCommands.Aid.Length;
        SimAppletCommands.Aid.CopyTo(select.AsSpan(5));
        Check("SELECT", await terminal.ExchangeAsync(select, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Starts the toolkit session; a personalised, locked card answers by opening its channel.</summary>
    public async Task StartSessionAsync(CancellationToken cancellationToken)
    {
        await SelectAsync(cancellationToken).ConfigureAwait(false);
        Check("TERMINAL PROFILE", await terminal.SendTerminalProfileAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Submits readings, packing as many into each APDU as fit. Returns how many the card
    /// took; it stops early when the card's frame buffer is full (6A84), so the caller can
    /// keep the rest for later.
    /// </summary>
    public Task<int> SubmitAsync(IReadOnlyList<V1Packet> readings, CancellationToken cancellationToken) =>
        SubmitAsync(readings, new SubmitProgress(), cancellationToken);

    /// <summary>
    /// As above; <paramref name="progress"/> also counts the readings whose frame left before an
    /// exception (the card pulled after sending), so a retry resumes after them.
    /// </summary>
    public async Task<int> SubmitAsync(IReadOnlyList<V1Packet> readings, SubmitProgress progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readings);
        ArgumentNullException.ThrowIfNull(progress);
        int taken = 0;
        while (taken < readings.Count)
        {
            int count = 0, length = 0;
            while (taken + count < readings.Count && length + ReadingLength(readings[taken + count]) <= MaxSubmitLength)
                length += ReadingLength(readings[taken + count++]);
            if (count == 0) throw new ArgumentException("a reading larger than one APDU", nameof(readings));

            var apdu = new byte[5 + length];
            apdu[0] = SimAppletCommands.Proprietary;
            apdu[1] = SimAppletCommands.SubmitReadings;
            apdu[4] = (byte)length;
            int offset = 5;
            for (int i = 0; i < count; i++) offset += WriteReading(readings[taken + i], apdu.AsSpan(offset));

            int sentBefore = Volatile.Read(ref _datagramsSent);
            ResponseApdu response;
            try
            {
                response = await terminal.ExchangeAsync(apdu, cancellationToken).ConfigureAwait(false);
            }
            catch when (Volatile.Read(ref _datagramsSent) > sentBefore)
            {
                // The card sealed these readings and their frame went out before the exchange broke.
                progress.Taken += count;
                throw;
            }
            if (response.StatusWord == SimAppletCommands.FileFull) return taken;
            Check("SUBMIT READINGS", response);
            taken += count;
            progress.Taken += count;
        }
        return taken;
    }

    /// <summary>Datagrams the terminal sent for this card so far: tells whether a frame left before an exchange broke.</summary>
    public int DatagramsSent => Volatile.Read(ref _datagramsSent);

    /// <summary>
    /// SUBMIT COMPACT: compact reading blocks (SimIoT.Protocol.V3) into the card's open v3 frame;
    /// <paramref name="p1"/> is <see cref="SimAppletCommands.SealFrame"/> and/or <see cref="SimAppletCommands.NewFrame"/>.
    /// False when the card has no room for the frame(s) this would seal (6A84: nothing changed).
    /// </summary>
    /// <exception cref="SimCardException">any other refusal, 6D00 from an applet without the command included.</exception>
    public async Task<bool> SubmitCompactAsync(ReadOnlyMemory<byte> blocks, byte p1, CancellationToken cancellationToken)
    {
        if (blocks.Length > MaxSubmitLength) throw new ArgumentException("more than one APDU of blocks", nameof(blocks));
        var apdu = new byte[(blocks.IsEmpty ? 4 : 5) + blocks.Length];
        apdu[0] = SimAppletCommands.Proprietary;
        apdu[1] = SimAppletCommands.SubmitCompact;
        apdu[2] = p1;
        if (!blocks.IsEmpty)
        {
            apdu[4] = (byte)blocks.Length;
            blocks.Span.CopyTo(apdu.AsSpan(5));
        }
        var response = await terminal.ExchangeAsync(apdu, cancellationToken).ConfigureAwait(false);
        if (response.StatusWord == SimAppletCommands.FileFull) return false;
        Check("SUBMIT COMPACT", response);
        return true;
    }

    /// <summary>Asks the card for a keepalive frame (an empty uplink-data frame) to refresh the NAT binding.</summary>
    public async Task SendKeepaliveAsync(CancellationToken cancellationToken)
    {
        var response = await terminal.ExchangeAsync(new byte[] { SimAppletCommands.Proprietary, SimAppletCommands.SubmitReadings, 0, 0, 0 }, cancellationToken).ConfigureAwait(false);
        if (response.StatusWord != SimAppletCommands.FileFull) Check("SUBMIT READINGS (keepalive)", response);
    }

    /// <summary>
    /// Asks the card to tell the cloud its carrier (an unsolicited command-result), so the cloud
    /// knows it from the start of a session rather than after the first switch. v2 cards only.
    /// False when the card's frame queue is full (the report is skipped, not waited for) or the
    /// card's applet predates the command (6D00): neither is a reason to stop the session.
    /// </summary>
    public async Task<bool> ReportCarrierAsync(CancellationToken cancellationToken)
    {
        var response = await terminal.ExchangeAsync(new byte[] { SimAppletCommands.Proprietary, SimAppletCommands.ReportCarrier, 0, 0, 0 }, cancellationToken).ConfigureAwait(false);
        if (response.StatusWord is SimAppletCommands.FileFull or SimAppletCommands.InsNotSupported) return false;
        Check("REPORT CARRIER", response);
        return true;
    }

    /// <summary>The last uplink acknowledgement the card verified, or null when none arrived since the last call.</summary>
    public async Task<UplinkAck?> TakeUplinkAckAsync(CancellationToken cancellationToken)
    {
        var response = await terminal.ExchangeAsync(new byte[] { SimAppletCommands.Proprietary, SimAppletCommands.GetUplinkAck, 0, 0, SimAppletCommands.AckLength }, cancellationToken).ConfigureAwait(false);
        if (response.StatusWord == SimAppletCommands.ReferencedDataNotFound) return null;
        Check("GET UPLINK ACK", response);
        return UplinkAck.TryRead(response.Data, out var ack) ? ack : throw new FormatException("uplink ack of the wrong length");
    }

    public async Task<CardStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        var response = await terminal.ExchangeAsync(new byte[] { SimAppletCommands.Proprietary, SimAppletCommands.GetStatus, 0, 0, SimAppletCommands.StatusLength }, cancellationToken).ConfigureAwait(false);
        Check("GET STATUS", response);
        return CardStatus.Parse(response.Data);
    }

    /// <summary>Proves knowledge of the administrator key: GET CHALLENGE, then EXTERNAL AUTHENTICATE with AES-ECB(key, challenge).</summary>
    public async Task AuthenticateAsync(ReadOnlyMemory<byte> adminKey, CancellationToken cancellationToken)
    {
        var challenge = await terminal.ExchangeAsync(new byte[] { 0x00, SimAppletCommands.GetChallenge, 0, 0, SimAppletCommands.ChallengeLength }, cancellationToken).ConfigureAwait(false);
        Check("GET CHALLENGE", challenge);
        using var aes = Aes.Create();
        aes.Key = adminKey.ToArray();
        var proof = aes.EncryptEcb(challenge.Data, PaddingMode.None);
        var apdu = new byte[5 + proof.Length];
        apdu[1] = SimAppletCommands.ExternalAuthenticate;
        apdu[4] = (byte)proof.Length;
        proof.CopyTo(apdu, 5);
        Check("EXTERNAL AUTHENTICATE", await terminal.ExchangeAsync(apdu, cancellationToken).ConfigureAwait(false));
    }

    public async Task PutDataAsync(PersonalisationObject item, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        var apdu = new byte[5 + value.Length];
        apdu[0] = SimAppletCommands.Proprietary;
        apdu[1] = SimAppletCommands.PutData;
        apdu[3] = (byte)item;
        apdu[4] = (byte)value.Length;
        value.Span.CopyTo(apdu.AsSpan(5));
        Check($"PUT DATA {item}", await terminal.ExchangeAsync(apdu, cancellationToken).ConfigureAwait(false));
    }

    private static int ReadingLength(V1Packet reading) => SimAppletCommands.ReadingHeaderLength + reading.Data.Length;

    // A reading is an IoT Data packet without its flow/topic byte.
    private static int WriteReading(V1Packet reading, Span<byte> destination)
    {
        if (reading.Kind != V1PacketKind.IotData) throw new ArgumentException("only IoT Data readings can be submitted");
        Span<byte> packet = stackalloc byte[reading.EncodedLength];
        reading.WriteTo(packet);
        packet[1..].CopyTo(destination);
        return packet.Length - 1;
    }

    private static void Check(string operation, ResponseApdu response)
    {
        if (!response.IsSuccess) throw new SimCardException(operation, response.StatusWord);
    }
}

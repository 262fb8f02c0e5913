using System.Diagnostics;
using SimIoT.Edge.Card;
using SimIoT.Edge.Card.Pcsc;
using SimIoT.Edge.Sim.Tests;

namespace SimIoT.Edge.Tests.Card;

/// <summary>
/// The agent's T=0 rules (61xx with GET RESPONSE, 6Cxx) against the card host in T=0 mode through
/// pcscd and vpcd. No SimIoT applet command both takes and returns data, so the card host runs the
/// applet tests' <c>ProbeApplet</c> here (compiled against the card host's runtime): its echo
/// command is a case 4 command.
/// </summary>
[Collection("pcscd")]
public sealed class T0ThroughPcscdTests(PcscdFixture pcscd) : IDisposable
{
    private const string ProbeAid = "F053494D494F54FF01";
    private readonly string _dir = Directory.CreateTempSubdirectory("simiot-t0-card-").FullName;

    [Fact]
    public void A_case_4_answer_comes_through_GET_RESPONSE_and_a_wrong_Le_through_6Cxx()
    {
        pcscd.WaitForEmpty();
        string classes = CompileProbeApplet();
        using var java = StartCardHost(classes);
        try
        {
            var transport = new PcscTransport(pcscd.ReaderName) { CardWaitTimeout = TimeSpan.FromSeconds(20) };
            using var channel = new CardChannel(transport);
            Assert.True(transport.WaitForCard(TimeSpan.FromSeconds(20)), "the card host did not reach the reader");
            Assert.Equal(CardProtocol.T0, transport.ActiveProtocol);
            Assert.Equal([0x90, 0x00], channel.Transmit(Convert.FromHexString("00A4040009" + ProbeAid)));

            // Echo: data in, the same data out (case 4). In T=0 the card answers 6140, the data follows GET RESPONSE.
            byte[] data = [.. Enumerable.Range(0, 64).Select(i => (byte)(i * 7 + 1))];
            Assert.Equal([.. data, 0x90, 0x00], channel.Transmit([0x80, 0x06, 0x00, 0x00, (byte)data.Length, .. data, 0x00]));
            Assert.Equal(1, channel.GetResponseCount);

            // INS 05 answers 4 bytes (and remembers P1): Le 00 gets 6C04, the channel asks again with Le 04.
            Assert.Equal([0x00, 0x00, 0x00, 0x00, 0x90, 0x00], channel.Transmit(Convert.FromHexString("80055A0000")));
            Assert.Equal([0x5A, 0x5A, 0x00, 0x00, 0x90, 0x00], channel.Transmit(Convert.FromHexString("8005000000")));
            Assert.Equal(2, channel.WrongLengthRetries);
            Assert.Equal(1, channel.GetResponseCount);
        }
        finally
        {
            java.Kill(entireProcessTree: true);
            java.WaitForExit(10_000);
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string CompileProbeApplet()
    {
        string classes = Path.Combine(_dir, "classes");
        string source = Path.Combine(AppletCardHost.RepositoryRoot, "applet", "test", "src", "simiot", "test", "ProbeApplet.java");
        var javac = new ProcessStartInfo("javac") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-nowarn", "--release", "8", "-Xlint:-options", "-encoding", "UTF-8", "-cp", AppletCardHost.CardHostJar, "-d", classes, source })
            javac.ArgumentList.Add(a);
        using var process = Process.Start(javac) ?? throw new InvalidOperationException("javac did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), "javac took more than 2 minutes");
        Assert.True(process.ExitCode == 0, $"javac ProbeApplet failed: {output.Result}{error.Result}");
        return classes;
    }

    private Process StartCardHost(string probeClasses)
    {
        var start = new ProcessStartInfo("java") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[]
                 {
                     "-cp", AppletCardHost.CardHostJar + Path.PathSeparator + probeClasses, "simiot.host.CardHost",
                     "--host", "127.0.0.1", "--port", pcscd.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--state", Path.Combine(_dir, "card.bin"), "--applet", "simiot.test.ProbeApplet", "--aid", ProbeAid, "--protocol", "t0",
                 })
            start.ArgumentList.Add(a);
        var java = Process.Start(start) ?? throw new InvalidOperationException("java did not start");
        java.ErrorDataReceived += (_, _) => { };
        java.OutputDataReceived += (_, _) => { };
        java.BeginErrorReadLine();
        java.BeginOutputReadLine();
        return java;
    }
}

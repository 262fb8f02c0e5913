using System.CommandLine;
using SimIoT.Edge.Cli;

namespace SimIoT.Edge.Tests.Card;

/// <summary><c>simiot-edge readers</c> against the real pcscd, with and without a card in the slot.</summary>
[Collection("pcscd")]
public sealed class ReadersCommandTests(PcscdFixture pcscd)
{
    [Fact]
    public void Lists_the_vpcd_reader_with_the_card_s_ATR()
    {
        pcscd.WaitForEmpty(); // pcscd notices the previous test's card going only at its next poll of vpcd
        string empty = Run();
        Assert.Contains($"{pcscd.ReaderName}: empty", empty, StringComparison.Ordinal);

        using var card = pcscd.Insert(ScriptedCard.Answer);
        string withCard = "";
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!withCard.Contains("card, ATR", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(100);
            withCard = Run();
        }

        Assert.Contains($"{pcscd.ReaderName}: card, ATR 3B80800101", withCard, StringComparison.Ordinal);
        card.Remove();
    }

    private static string Run()
    {
        var output = new StringWriter();
        var root = new RootCommand { ReadersCommand.Create() };
        int exit = root.Parse(["readers"]).Invoke(new InvocationConfiguration { Output = output, Error = output });
        Assert.True(exit == 0, output.ToString());
        return output.ToString();
    }
}

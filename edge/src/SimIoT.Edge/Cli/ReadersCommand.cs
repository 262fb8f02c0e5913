using System.CommandLine;
using SimIoT.Edge.Card.Pcsc;

namespace SimIoT.Edge.Cli;

/// <summary><c>simiot-edge readers</c>: what PC/SC sees.</summary>
internal static class ReadersCommand
{
    public static Command Create()
    {
        var command = new Command("readers", "List the PC/SC readers (through pcscd) and the card in each, with its ATR.");
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            try
            {
                using var context = PcscContext.Establish();
                var readers = context.ListReaders();
                if (readers.Count == 0)
                {
                    output.WriteLine("no readers");
                    return 0;
                }

                foreach (var reader in context.GetStatus(readers))
                {
                    output.WriteLine(reader.CardPresent
                        ? $"{reader.Name}: card, ATR {Convert.ToHexString(reader.Atr)}"
                        : $"{reader.Name}: {((reader.Status & ReaderStatus.Mute) != 0 ? "card not answering" : "empty")}");
                }

                return 0;
            }
            catch (PcscException e)
            {
                parse.InvocationConfiguration.Error.WriteLine($"simiot-edge: {e.Message}{(e.Error == PcscError.NoService ? " (is pcscd running?)" : "")}");
                return 1;
            }
            catch (DllNotFoundException)
            {
                parse.InvocationConfiguration.Error.WriteLine("simiot-edge: libpcsclite.so.1 not found (apt-get install libpcsclite1 pcscd)");
                return 1;
            }
        });
        return command;
    }
}

using System.CommandLine;
using System.Net;
using SimIoT.Cloud.Gateway;

namespace SimIoT.Cloud.Host;

/// <summary>
/// 'bare-receiver': the bare recvmmsg receiver <c>./simiot bench ingest</c> runs beside the cloud,
/// in this binary so it shares the gateway's receive code and runtime. Hidden: a bench part, not a tool.
/// </summary>
public static class BenchCommands
{
    public static void Add(RootCommand root)
    {
        var port = new Option<int>("--port") { Description = "UDP port on 127.0.0.1 (0: any; the chosen one is printed)", DefaultValueFactory = _ => 0 };
        var bare = new Command("bare-receiver", "Receive UDP datagrams with recvmmsg and only count them (the bench's floor).") { port };
        bare.Hidden = true;
        bare.SetAction(r =>
        {
            using var receiver = new BareReceiver(new IPEndPoint(IPAddress.Loopback, r.GetValue(port)));
            Console.WriteLine($"bare receiver on udp {receiver.LocalEndPoint}");
            Console.CancelKeyPress += (_, _) => receiver.Dispose();
            receiver.Run();
            return 0;
        });
        root.Subcommands.Add(bare);
    }
}

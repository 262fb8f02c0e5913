using System.CommandLine;
using Microsoft.Extensions.Hosting;
using SimIoT.Edge.Hosting;

namespace SimIoT.Edge.Cli;

/// <summary><c>simiot-edge run</c>: the agent itself.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var emulate = new Option<bool>("--emulate") { Description = "Sample the register-level emulators instead of /dev/i2c-N" };
        var duration = new Option<double?>("--for") { Description = "Stop after this many seconds (default: until Ctrl-C or SIGTERM)" };
        var command = new Command("run", "Run the agent: sample the sensors, accept MQTT node readings, hand them to the sink.\n" +
            "Configuration: appsettings.json, environment (Edge__Mqtt__Port=1884), or extra arguments (--Edge:Mqtt:Port=1884).")
        {
            emulate,
            duration,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            var builder = EdgeHost.CreateBuilder([.. parse.UnmatchedTokens], parse.GetValue(emulate));
            builder.Services.AddEdgeAgent(builder.Configuration);
            using var host = builder.Build();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (parse.GetValue(duration) is double seconds) stop.CancelAfter(TimeSpan.FromSeconds(seconds));
            try
            {
                await host.RunAsync(stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // --for elapsed or Ctrl-C.
            }

            return 0;
        });
        return command;
    }
}

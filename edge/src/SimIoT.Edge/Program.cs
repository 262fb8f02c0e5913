using System.CommandLine;
using SimIoT.Edge.Cli;

var root = new RootCommand("simiot-edge: the SimIoT modem agent (sensors -> SIM card -> cloud)")
{
    RunCommand.Create(),
    ReadersCommand.Create(),
    SensorsCommand.Create(),
    ProvisionCommand.Create(),
};
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);

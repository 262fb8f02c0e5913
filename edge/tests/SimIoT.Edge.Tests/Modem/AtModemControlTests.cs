using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SimIoT.Edge.Hosting;
using SimIoT.Edge.Modem;
using SimIoT.Edge.Toolkit.Terminal;

namespace SimIoT.Edge.Tests.Modem;

/// <summary>REFRESH through AT commands to a module behind a real pseudo-terminal, opened with System.IO.Ports.</summary>
public sealed class AtModemControlTests
{
    private static AtModemControl Control(PtyModule module, Action<ModemOptions>? tune = null)
    {
        var options = new EdgeOptions { Modem = new ModemOptions { Kind = ModemOptions.At, SerialPort = module.PortName, RegistrationPollInterval = TimeSpan.FromMilliseconds(20) } };
        tune?.Invoke(options.Modem);
        return new AtModemControl(Options.Create(options), TimeProvider.System, NullLogger<AtModemControl>.Instance);
    }

    [Fact]
    public async Task A_refresh_cycles_the_radio_and_waits_until_the_module_is_registered_again()
    {
        int queries = 0;
        using var module = new PtyModule(command => command switch
        {
            "AT+CFUN=0" or "AT+CFUN=1" => ["OK"],
            // Searching twice (an unsolicited code in between), then registered while roaming.
            "AT+CEREG?" => ++queries < 3 ? ["+CEREG: 2", $"+CEREG: 0,2", "OK"] : ["+CEREG: 0,5,\"00C3\",\"0102ABCD\",7", "OK"],
            _ => ["ERROR"],
        });
        using var control = Control(module);

        await control.RefreshAsync(0x04, CancellationToken.None);

        Assert.Equal(["AT+CFUN=0", "AT+CFUN=1", "AT+CEREG?", "AT+CEREG?", "AT+CEREG?"], module.Commands);
        Assert.Equal(1, control.Refreshes);
    }

    [Fact]
    public async Task A_module_error_fails_the_refresh_and_names_the_command()
    {
        using var module = new PtyModule(command => command == "AT+CFUN=1" ? ["+CME ERROR: 10"] : ["OK"]); // 10: SIM not inserted
        using var control = Control(module);

        var error = await Assert.ThrowsAsync<ModemCommandException>(() => control.RefreshAsync(0x04, CancellationToken.None));

        Assert.Equal("AT+CFUN=1", error.Command);
        Assert.Contains("+CME ERROR: 10", error.Message);
        Assert.Equal(["AT+CFUN=0", "AT+CFUN=1"], module.Commands); // nothing sent after the failure
    }

    [Fact]
    public async Task A_silent_module_times_out_instead_of_hanging_the_card_session()
    {
        using var module = new PtyModule(_ => null);
        using var control = Control(module, o => o.CommandTimeout = TimeSpan.FromMilliseconds(300));

        var error = await Assert.ThrowsAsync<ModemCommandException>(() => control.RefreshAsync(0x04, CancellationToken.None));

        Assert.Equal("AT+CFUN=0", error.Command);
        Assert.Contains("no answer within 0.3 s", error.Message);
    }

    [Fact]
    public async Task A_module_that_never_registers_fails_the_refresh_after_the_attach_timeout()
    {
        using var module = new PtyModule(command => command == "AT+CEREG?" ? ["+CEREG: 0,3", "OK"] : ["OK"]); // 3: registration denied
        using var control = Control(module, o => o.AttachTimeout = TimeSpan.FromMilliseconds(300));

        var error = await Assert.ThrowsAsync<ModemCommandException>(() => control.RefreshAsync(0x04, CancellationToken.None));

        Assert.Contains("not registered", error.Message);
        Assert.Contains("last status 3", error.Message);
    }

    [Fact]
    public void Choosing_at_commands_without_a_serial_port_is_a_clear_configuration_error()
    {
        var options = new EdgeOptions { Modem = new ModemOptions { Kind = ModemOptions.At } };
        var error = Assert.Throws<InvalidOperationException>(() => new AtModemControl(Options.Create(options), TimeProvider.System, NullLogger<AtModemControl>.Instance));
        Assert.Contains("Edge:Modem:SerialPort", error.Message);
    }

    [Fact]
    public async Task Configured_refresh_commands_replace_the_default_ones()
    {
        using var module = new PtyModule(_ => ["OK"]);
        var builder = EdgeHost.CreateBuilder(["--Edge:Modem:Kind=at", $"--Edge:Modem:SerialPort={module.PortName}", "--Edge:Modem:RegistrationQuery=",
            "--Edge:Modem:RefreshCommands:0=AT+COPS=2", "--Edge:Modem:RefreshCommands:1=AT+COPS=0"], emulate: true);
        builder.Services.AddEdgeAgent(builder.Configuration);
        using var services = builder.Services.BuildServiceProvider();

        await services.GetRequiredService<IModemControl>().RefreshAsync(0x04, CancellationToken.None);

        Assert.Equal(["AT+COPS=2", "AT+COPS=0"], module.Commands);
    }

    [Theory]
    [InlineData(null, typeof(SimulatedModemControl))]
    [InlineData("AT", typeof(AtModemControl))]
    [InlineData("hayes", null)]
    public void The_agent_takes_its_modem_control_from_configuration(string? kind, Type? expected)
    {
        string[] args = kind is null ? [] : [$"--Edge:Modem:Kind={kind}", "--Edge:Modem:SerialPort=/dev/ttyUSB2"];
        var builder = EdgeHost.CreateBuilder(args, emulate: true);
        builder.Services.AddEdgeAgent(builder.Configuration);
        using var services = builder.Services.BuildServiceProvider();
        if (expected is null)
            Assert.Contains("'hayes' is not known", Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IModemControl>()).Message);
        else
            Assert.IsType(expected, services.GetRequiredService<IModemControl>());
    }

    [Theory]
    [InlineData("AT+CEREG?", "+CEREG: 0,1", 1)]
    [InlineData("AT+CREG?", "+CREG: 2,5,\"00C3\",\"0102ABCD\"", 5)]
    [InlineData("AT+CEREG?", "+CREG: 0,1", null)]
    [InlineData("AT+CEREG?", "+CEREG: 1", null)] // an unsolicited code has no <n>
    [InlineData("AT", "+CEREG: 0,1", null)]
    public void Registration_status_is_read_from_the_answer_of_its_own_query(string query, string line, int? expected) =>
        Assert.Equal(expected, RegistrationStatus.Find(query, [line]));
}

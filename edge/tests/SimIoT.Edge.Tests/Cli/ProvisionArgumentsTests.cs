using System.Net;
using SimIoT.Edge.Cli;

namespace SimIoT.Edge.Tests.Cli;

/// <summary>What provision makes of its arguments before it touches a card.</summary>
public sealed class ProvisionArgumentsTests
{
    [Theory]
    [InlineData("fe00000000000001")]
    [InlineData("FF123456789abcde")]
    public void Ids_the_cloud_keeps_for_v1_modems_are_refused(string id)
    {
        var error = Assert.Throws<FormatException>(() => ProvisionArguments.ParseModemId(id));
        Assert.Contains("reserved by the cloud", error.Message);
    }

    [Fact]
    public void An_ordinary_id_is_accepted() => Assert.Equal(0xfd00_0000_0000_04d2ul, ProvisionArguments.ParseModemId("fd000000000004d2").Value);

    [Fact]
    public void Generate_makes_a_fresh_random_key_each_time()
    {
        var (first, generated) = ProvisionArguments.ParseMasterKey("generate");
        var (second, _) = ProvisionArguments.ParseMasterKey("generate");
        Assert.True(generated);
        Assert.Equal(16, first.Length);
        Assert.NotEqual(first, second);
        var (given, wasGenerated) = ProvisionArguments.ParseMasterKey("000102030405060708090a0b0c0d0e0f");
        Assert.Equal(Convert.FromHexString("000102030405060708090a0b0c0d0e0f"), given);
        Assert.False(wasGenerated);
    }

    [Fact]
    public async Task An_address_with_a_port_is_stored_as_given()
    {
        var (endpoint, from) = await ProvisionArguments.ParseCloudAsync("[2001:db8::7]:6001", CancellationToken.None);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8::7"), 6001), endpoint);
        Assert.Null(from);
    }

    [Fact]
    public async Task A_DNS_name_is_resolved_and_named()
    {
        // localhost resolves through the system resolver (/etc/hosts) on every machine.
        var (endpoint, from) = await ProvisionArguments.ParseCloudAsync("localhost:6001", CancellationToken.None);
        Assert.Equal("localhost", from);
        Assert.True(IPAddress.IsLoopback(endpoint.Address));
        Assert.Equal(6001, endpoint.Port);
    }

    [Theory]
    [InlineData("cloud.example.org", "needs a host and a port")]
    [InlineData("203.0.113.7", "needs a host and a port")]
    [InlineData("no-such-host.invalid:6001", "cannot resolve 'no-such-host.invalid'")]
    public async Task A_cloud_without_port_or_address_is_a_clear_error(string cloud, string message)
    {
        var error = await Assert.ThrowsAsync<FormatException>(() => ProvisionArguments.ParseCloudAsync(cloud, CancellationToken.None));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void The_registration_command_carries_the_id_and_key_the_card_got()
    {
        var command = ProvisionArguments.RegistrationCommand(ProvisionArguments.ParseModemId("4d2"), Convert.FromHexString("000102030405060708090A0B0C0D0E0F"), "pi-1");
        Assert.Equal("./simiot cloud modem add --id 00000000000004d2 --key 000102030405060708090a0b0c0d0e0f --nickname 'pi-1'", command);
    }
}

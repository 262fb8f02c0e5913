using Microsoft.Extensions.DependencyInjection;
using SimIoT.Cloud.Modems;
using SimIoT.Cloud.Store;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Tests.Api;

/// <summary>
/// GET /api/modems?q= and /count?q= through the trigram indexes (SQLite FTS5, PostgreSQL pg_trgm):
/// exactly the modems whose id starts with q or whose nickname contains q (ASCII case ignored,
/// % and _ literal), whether q has few candidates (read from the trigram index) or thousands
/// (walked along the order's index), and after renames, deletes and new modems.
/// </summary>
public class FleetSearchTests
{
    private static List<string> Expected(IEnumerable<ModemRecord> modems, string q) =>
        [.. modems.Where(m => m.Nickname.Contains(q, StringComparison.OrdinalIgnoreCase) || (q.All(char.IsAsciiHexDigit) && m.Id.ToString().StartsWith(q.ToLowerInvariant(), StringComparison.Ordinal)))
            .Select(m => m.Id.ToString()).Order(StringComparer.Ordinal)];

    private static async Task AssertFindsAsync(FleetCloud fleet, IReadOnlyList<ModemRecord> modems, string q, int atLeast = 1)
    {
        var expected = Expected(modems, q);
        Assert.True(expected.Count >= atLeast, $"q={q}: the fleet has {expected.Count} matches, the test wants {atLeast}");
        var query = "?q=" + Uri.EscapeDataString(q);
        Assert.Equal(expected, FleetCloud.Ids(await fleet.AllPagesAsync(query + "&limit=500")));
        Assert.Equal(expected.Count, await fleet.CountAsync(query));
        // Other orders page through the same set.
        Assert.Equal(expected, FleetCloud.Ids(await fleet.AllPagesAsync(query + "&sort=nickname&limit=700")).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Q_finds_exactly_the_nicknames_containing_it_in_any_ascii_case_with_percent_and_underscore_literal(bool postgres)
    {
        await using var fleet = await FleetCloud.StartAsync(postgres);
        var now = DateTime.UtcNow;
        // 2,400 pumps and valves (more candidates than the trigram path takes, for "pump"), a few odd ones.
        var modems = FleetApiTests.Fleet(2400, 0x1_0000, now);
        modems.AddRange([
            new ModemRecord(new ModemId(0xa000), "50% off_valve", ModemProtocol.V2, null, now),
            new ModemRecord(new ModemId(0xa001), "500 offXvalve", ModemProtocol.V2, null, now),
            new ModemRecord(new ModemId(0xa002), "Boiler \"North\" 3", ModemProtocol.V2, null, now),
            new ModemRecord(new ModemId(0xa003), "back\\slash", ModemProtocol.V2, null, now),
            new ModemRecord(new ModemId(0xabc0_0000), "cafe", ModemProtocol.V2, null, now),
            new ModemRecord(new ModemId(0xb000), "spare for 00000000000101xx", ModemProtocol.V2, null, now),
        ]);
        await fleet.Store.AddModemsAsync(modems, CancellationToken.None);
        await fleet.Store.AddModemsAsync(FleetApiTests.Fleet(50, 0x9_0000, now, "globex"), CancellationToken.None);

        await AssertFindsAsync(fleet, modems, "valve-00123");
        await AssertFindsAsync(fleet, modems, "VALVE-0012", atLeast: 5);
        await AssertFindsAsync(fleet, modems, "uMp-002");
        await AssertFindsAsync(fleet, modems, "pump", atLeast: 1200);
        await AssertFindsAsync(fleet, modems, "0% o");
        await AssertFindsAsync(fleet, modems, "% off");
        await AssertFindsAsync(fleet, modems, "f_v");
        await AssertFindsAsync(fleet, modems, "\"north\"");
        await AssertFindsAsync(fleet, modems, "k\\s");
        // Hex: an id prefix or a nickname ("cafe" a nickname and no id's start; "00000000000101" both).
        await AssertFindsAsync(fleet, modems, "cafe");
        await AssertFindsAsync(fleet, modems, "00000000abc");
        await AssertFindsAsync(fleet, modems, "00000000000101", atLeast: 200);
        // One and two characters: no trigram, the scan as before.
        await AssertFindsAsync(fleet, modems, "%");
        await AssertFindsAsync(fleet, modems, "_");
        await AssertFindsAsync(fleet, modems, "lv", atLeast: 1200);
        Assert.Empty(await fleet.AllPagesAsync("?q=" + Uri.EscapeDataString("f%v")));
        Assert.Equal(0, await fleet.CountAsync("?q=nothing-like-this"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_rename_a_delete_and_a_new_modem_change_what_q_finds(bool postgres)
    {
        await using var fleet = await FleetCloud.StartAsync(postgres);
        var now = DateTime.UtcNow;
        var modems = FleetApiTests.Fleet(300, 0x1_0000, now);
        await fleet.Store.AddModemsAsync(modems, CancellationToken.None);
        var store = fleet.Cloud.App.Services.GetRequiredService<IModemStore>();

        var renamed = modems[7];
        Assert.Equal([renamed.Id.ToString()], FleetCloud.Ids(await fleet.AllPagesAsync("?q=" + renamed.Nickname)));
        Assert.NotNull(await fleet.Store.PatchModemAsync(renamed.Id, new ModemPatch("Greenhouse Heater", null, false, null), CancellationToken.None));
        Assert.Empty(await fleet.AllPagesAsync("?q=" + renamed.Nickname));
        Assert.Equal(0, await fleet.CountAsync("?q=" + renamed.Nickname));
        Assert.Equal([renamed.Id.ToString()], FleetCloud.Ids(await fleet.AllPagesAsync("?q=HOUSE%20heat")));
        Assert.Equal(1, await fleet.CountAsync("?q=house%20heat"));

        var deleted = modems[8];
        Assert.True(await store.DeleteModemAsync(deleted.Id, now, CancellationToken.None));
        Assert.Empty(await fleet.AllPagesAsync("?q=" + deleted.Nickname));
        Assert.Equal(0, await fleet.CountAsync("?q=" + deleted.Nickname));

        var added = new ModemRecord(new ModemId(0x7777), "Cellar Sump", ModemProtocol.V2, null, now);
        Assert.True(await store.AddModemAsync(added, CancellationToken.None));
        Assert.Equal([added.Id.ToString()], FleetCloud.Ids(await fleet.AllPagesAsync("?q=ar%20su")));

        // What is left is still found exactly, by the old nicknames' common part too.
        var left = modems.Where(m => m != renamed && m != deleted).Append(added).ToList();
        await AssertFindsAsync(fleet, left, "valve-0002", atLeast: 5);
    }
}

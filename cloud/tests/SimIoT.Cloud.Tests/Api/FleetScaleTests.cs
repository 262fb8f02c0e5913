using SimIoT.Cloud.Modems;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Tests.Api;

/// <summary>20,000 modems: every page walk sees each modem once while modems are added; filters and counts hold.</summary>
public class FleetScaleTests
{
    private const int Size = 20_000;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Paging_twenty_thousand_modems_misses_and_repeats_none_while_modems_are_added(bool postgres)
    {
        await using var fleet = await FleetCloud.StartAsync(postgres);
        var now = DateTime.UtcNow;
        // Ids spaced by 4, so modems added during the walk land between existing ones.
        var modems = FleetApiTests.Fleet(Size, 0x10_0000, now).Select((m, i) => m with { Id = new ModemId(m.Id.Value & 0xff00_0000_0000_0000 | (0x10_0000 + 4 * (ulong)i)) }).ToList();
        await fleet.Store.AddModemsAsync(modems, CancellationToken.None);
        Assert.Equal(Size, await fleet.CountAsync(""));

        // Walk by id, 1000 a page; after each page add two modems: one behind the walk, one ahead of it.
        var added = new List<ModemRecord>();
        var seen = new List<string>();
        ulong next = 0;
        var rows = await fleet.AllPagesAsync("?limit=1000", async () =>
        {
            next++;
            var behind = new ModemRecord(new ModemId(0x10_0000 + 4 * next * 100 + 1), $"late-behind-{next}", ModemProtocol.V2, null, now);
            // A page of 1000 ends before original modem 1112 * page: modem 2000 * page + 500 is ahead.
            var ahead = new ModemRecord(new ModemId(0x10_0000 + 4 * (next * 2000 + 500) + 2), $"late-ahead-{next}", ModemProtocol.V2, null, now);
            await fleet.Store.AddModemsAsync([behind, ahead], CancellationToken.None);
            added.Add(ahead);
        });
        var ids = FleetCloud.Ids(rows);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        var set = ids.ToHashSet();
        Assert.All(modems, m => Assert.Contains(m.Id.ToString(), set));
        // Each modem added ahead of the walk (before the last page) is found when the walk reaches it.
        var aheadWhenAdded = added.Where(m => m.Id.Value < 0x10_0000 + 4 * Size).ToList();
        Assert.Equal(9, aheadWhenAdded.Count);
        Assert.All(aheadWhenAdded, m => Assert.Contains(m.Id.ToString(), set));

        // The other orders see every one of the original modems once too.
        foreach (var sort in new[] { "nickname", "lastSeen" })
        {
            var sorted = FleetCloud.Ids(await fleet.AllPagesAsync($"?sort={sort}&limit=1000"));
            Assert.Equal(sorted.Count, sorted.Distinct().Count());
            Assert.Equal(Size + 2 * added.Count, sorted.Count);
        }

        // Filters and counts at this size.
        Assert.Equal(modems.Count(m => m.Carrier == "Verizon"), await fleet.CountAsync("?carrier=Verizon"));
        Assert.Equal(modems.Count(m => m.Tags!.Contains("north") && m.Protocol == ModemProtocol.V1), await fleet.CountAsync("?tag=north&protocol=v1"));
        Assert.Equal(modems.Count(m => m.LastSeen > now.AddSeconds(-30)), await fleet.CountAsync("?link=fresh"));
        var tagged = FleetCloud.Ids(await fleet.AllPagesAsync("?tag=north&carrier=AT%26T&limit=1000"));
        Assert.Equal(modems.Where(m => m.Tags!.Contains("north") && m.Carrier == "AT&T").Select(m => m.Id.ToString()).Order(StringComparer.Ordinal), tagged);
    }
}

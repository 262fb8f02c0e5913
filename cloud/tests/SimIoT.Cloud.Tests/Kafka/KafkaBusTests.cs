using System.Net.Http.Json;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using SimIoT.Cloud.Hosting;
using SimIoT.Cloud.Kafka;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Protocol.V1;

namespace SimIoT.Cloud.Tests.Kafka;

/// <summary>The cloud on Kafka: the real Confluent.Kafka client against librdkafka's mock cluster (or KAFKA_BOOTSTRAP_SERVERS).</summary>
public sealed class KafkaBusTests : IClassFixture<KafkaCluster>
{
    private readonly KafkaCluster _kafka;

    public KafkaBusTests(KafkaCluster kafka) => _kafka = kafka;

    // Each cloud gets its own consumer groups: a group that outlives a test would make the next one wait for a rebalance.
    private async Task<CloudHarness> StartAsync(CloudRole role = CloudRole.All, string? dataDir = null)
    {
        var cloud = await CloudHarness.StartAsync(new() { ["Bus:Kafka"] = _kafka.BootstrapServers, ["Bus:Partitions"] = "3", ["Bus:GroupPrefix"] = $"test-{Guid.NewGuid():N}", ["Bus:CreateTopics"] = _kafka.IsMock ? "false" : "true" }, role, dataDir);
        await cloud.App.Services.GetRequiredService<KafkaEventBus>().Ready.WaitAsync(TimeSpan.FromSeconds(60));
        return cloud;
    }

    [Fact]
    public async Task Consumers_of_the_topics_see_the_seed_json_shapes_keyed_by_modem_id()
    {
        await using var cloud = await StartAsync();
        var modem = await cloud.AddModemAsync(0x2001);
        using var consumer = _kafka.Consumer($"seed-consumer-{Guid.NewGuid():N}", "temp", "imu", "carrier-switch-ack");
        var t0 = new DateTime(2026, 11, 24, 10, 0, 0, 123456 / 1000, DateTimeKind.Utc).AddTicks(4560);
        modem.SendReading(3, t0, 2150);
        modem.SendReading(1, t0, 10, -20, 1000);
        modem.SendData();
        var response = await cloud.Http.PostAsJsonAsync($"/api/modems/{modem.Id}/carrier-switch", new { carrier = "AT&T" });
        response.EnsureSuccessStatusCode();

        var seen = new Dictionary<string, ConsumeResult<string, string>>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (seen.Count < 3 && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (result?.Message is not null && result.Message.Key == modem.Id.ToString()) seen.TryAdd(result.Topic, result);
        }
        Assert.True(seen.Count == 3, "records seen on: " + string.Join(", ", seen.Keys));
        Assert.Equal("""{"timestamp":"2026-11-24T10:00:00.123456","data":2150,"modemId":"0000000000002001","deviceId":3}""", seen["temp"].Message.Value);
        Assert.Equal("""{"timestamp":"2026-11-24T10:00:00.123456","data":10,"modemId":"0000000000002001","deviceId":1,"values":[10,-20,1000]}""", seen["imu"].Message.Value);
        var ack = JsonDocument.Parse(seen["carrier-switch-ack"].Message.Value).RootElement;
        Assert.Equal("ACK", ack.GetProperty("status").GetString());
        Assert.Equal("AT&T", ack.GetProperty("carrier").GetString());
        Assert.Contains("\"carrier\":\"AT&T\"", seen["carrier-switch-ack"].Message.Value);
    }

    [Fact]
    public async Task The_mock_profile_carries_readings_and_its_topic_making_records_reach_no_handler()
    {
        // "--kafka mock": the cloud starts librdkafka's mock cluster itself and creates the topics by producing to them.
        await using var cloud = await CloudHarness.StartAsync(new() { ["Bus:Kafka"] = KafkaBusOptions.Mock, ["Bus:GroupPrefix"] = $"test-{Guid.NewGuid():N}" });
        await cloud.App.Services.GetRequiredService<KafkaEventBus>().Ready.WaitAsync(TimeSpan.FromSeconds(60));
        var modem = await cloud.AddModemAsync(0x2004);
        modem.SendReading(3, DateTime.UtcNow, 2150);
        var temp = await Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/modems/{modem.Id}/telemetry/temp"), j => j.GetArrayLength() == 1, "the reading stored through Kafka");
        Assert.Equal(2150, temp[0].GetProperty("data").GetInt32());
        // The only warning is the one that says the bus is not durable; no handler complained about a record.
        Assert.All(cloud.Errors.Warnings, w => Assert.Contains("Kafka mock cluster", w));
    }

    [Fact]
    public async Task A_seed_downstream_request_from_a_plain_kafka_client_leads_to_a_perform_at_the_modem()
    {
        var dataDir = Directory.CreateTempSubdirectory("simiot-kafka-seed").FullName;
        await using var cloud = await StartAsync(dataDir: dataDir);
        var modem = await cloud.AddModemAsync(0x2002);
        modem.SendData();
        await Eventually.TrueAsync(() => modem.AcksReceived > 0, "binding established");
        using (var producer = _kafka.Producer())
        {
            await producer.ProduceAsync("downstream-request", new Message<string, string> { Value = """{"type":"carrier-switch-perform","metadata":"Verizon"}""" });
        }
        await Eventually.TrueAsync(() => { lock (modem.Commands) return modem.Commands.Count == 1; }, "the Perform reaches the modem", TimeSpan.FromSeconds(60));
        Assert.Equal(V1Packet.Perform(Carrier.Verizon), modem.Commands[0].Packet);
        var history = await Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/modems/{modem.Id}/commands"),
            j => j.GetArrayLength() == 1 && j[0].GetProperty("state").GetString() == "acked", "the command is acked", TimeSpan.FromSeconds(60));
        Assert.Equal("Verizon", history[0].GetProperty("carrier").GetString());
    }

    [Fact]
    public async Task Gateway_and_api_run_as_separate_processes_over_kafka()
    {
        var dataDir = Directory.CreateTempSubdirectory("simiot-kafka-split").FullName;
        await using var api = await StartAsync(CloudRole.Api, dataDir);
        await using var gateway = await StartAsync(CloudRole.Gateway, dataDir);
        // The API registers; the gateway hears of it on modem-changes.
        var key = new byte[16];
        Random.Shared.NextBytes(key);
        (await api.Http.PostAsJsonAsync("/api/modems", new { id = "0000000000003001", masterKey = Convert.ToHexString(key) })).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(() => gateway.App.Services.GetRequiredService<SimIoT.Cloud.Gateway.ModemRegistry>().TryGet(new(0x3001), out _), "the gateway knows the modem", TimeSpan.FromSeconds(60));
        using var modem = new SimIoT.LoadGen.SimulatedModem(new(0x3001), key, gateway.Udp);
        var t0 = DateTime.UtcNow;
        for (int i = 0; i < 50; i++) modem.SendReading(3, t0.AddMilliseconds(i), i);
        await Eventually.ValueAsync(() => api.GetJsonAsync("/api/modems/0000000000003001/telemetry/temp"), j => j.GetArrayLength() == 50, "the API side stored every reading", TimeSpan.FromSeconds(60));

        var accepted = await (await api.Http.PostAsJsonAsync("/api/modems/0000000000003001/carrier-switch", new { carrier = "Verizon" })).Content.ReadFromJsonAsync<JsonElement>();
        uint id = accepted.GetProperty("id").GetUInt32();
        await Eventually.ValueAsync(() => api.GetJsonAsync($"/api/commands/{id}"), j => j.GetProperty("state").GetString() == "acked", "acked through both processes", TimeSpan.FromSeconds(60));
        Assert.Equal(Carrier.Verizon, modem.Carrier);
    }
}

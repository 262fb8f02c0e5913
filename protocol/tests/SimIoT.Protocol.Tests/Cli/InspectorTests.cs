using System.Diagnostics;
using System.Text.Json.Nodes;
using SimIoT.Protocol.Cli;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;
using SimIoT.Protocol.Tests.Vectors;

namespace SimIoT.Protocol.Tests.Cli;

public class InspectorTests
{
    [Fact]
    public void Round_trips_every_v1_vector()
    {
        foreach (var v in VectorFile.Read("v1.json"))
        {
            var hex = (string)v["hex"]!;
            var json = Inspector.Decode(hex, null);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse((string)v["json"]!), json));
            Assert.Equal(hex, Inspector.Encode(json.ToJsonString(), null));
        }
    }

    [Fact]
    public void Round_trips_every_v2_vector_with_its_key_and_from_structured_fields()
    {
        foreach (var v in VectorFile.Read("v2.json"))
        {
            var key = Convert.FromHexString((string)v["masterKey"]!);
            var frame = (string)v["frame"]!;
            var json = Inspector.Decode(frame, key);
            Assert.Equal(frame, Inspector.Encode(json.ToJsonString(), key));
            json.Remove("plaintext"); // rebuild the payload from the decoded packets instead
            Assert.Equal(frame, Inspector.Encode(json.ToJsonString(), key));
        }
    }

    [Fact]
    public void Shows_a_v2_header_without_the_key_and_refuses_a_wrong_key()
    {
        var v = VectorFile.Read("v2.json").First(x => (string)x["name"]! == "downlink-perform-verizon");
        var json = Inspector.Decode((string)v["frame"]!, null);
        Assert.Equal("downlink-command", (string)json["kind"]!);
        Assert.Equal("00000000000004d2", (string)json["modemId"]!);
        Assert.Null(json["plaintext"]);
        var error = Assert.Throws<InspectorException>(() => Inspector.Decode((string)v["frame"]!, new byte[16]));
        Assert.Contains("does not verify", error.Message);
    }

    [Fact]
    public void Decodes_every_v3_vector_to_the_v1_packets_its_readings_stand_for()
    {
        foreach (var v in VectorFile.Read("v3.json"))
        {
            var key = Convert.FromHexString((string)v["masterKey"]!);
            var frame = (string)v["frame"]!;
            var json = Inspector.Decode(frame, key);
            Assert.Equal(3, (int)json["version"]!);
            Assert.Equal("uplink-data", (string)json["kind"]!);
            Assert.Equal((string)v["modemId"]!, (string)json["modemId"]!);
            Assert.Equal(v["sequence"]!.ToJsonString(), json["sequence"]!.ToJsonString());
            Assert.Equal((string)v["plaintext"]!, (string)json["plaintext"]!);
            var expected = new JsonArray(V1Packets((string)v["v1"]!).Select(p => (JsonNode)PacketJson.ToJson(p)).ToArray());
            Assert.True(JsonNode.DeepEquals(expected, json["packets"]), $"{v["name"]}: {json["packets"]!.ToJsonString()}");
            Assert.Equal(frame, Inspector.Encode(json.ToJsonString(), key));
        }
    }

    [Fact]
    public void Encodes_a_v3_frame_from_packets_that_decodes_to_the_same_packets()
    {
        foreach (var v in VectorFile.Read("v3.json"))
        {
            var key = Convert.FromHexString((string)v["masterKey"]!);
            var json = Inspector.Decode((string)v["frame"]!, key);
            json.Remove("plaintext"); // build the compact blocks from the packets instead
            var again = Inspector.Decode(Inspector.Encode(json.ToJsonString(), key), key);
            Assert.True(JsonNode.DeepEquals(json["packets"], again["packets"]), (string)v["name"]!);
            Assert.StartsWith("a3", Inspector.Encode(json.ToJsonString(), key));
        }
    }

    [Fact]
    public void A_v3_frame_header_shows_without_the_key_and_a_wrong_key_is_refused()
    {
        var v = VectorFile.Read("v3.json")[0];
        var json = Inspector.Decode((string)v["frame"]!, null);
        Assert.Equal(3, (int)json["version"]!);
        Assert.Null(json["plaintext"]);
        Assert.NotNull(json["ciphertext"]);
        var error = Assert.Throws<InspectorException>(() => Inspector.Decode((string)v["frame"]!, new byte[16]));
        Assert.Equal("v3 frame tag does not verify with this master key", error.Message);
    }

    [Fact]
    public void Every_invalid_v3_payload_in_an_authentic_frame_names_its_decode_error()
    {
        var key = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");
        using var keys = new ModemKeys(key, new ModemId(1234));
        foreach (var v in VectorFile.Read("v3-invalid.json"))
        {
            var frame = Convert.ToHexStringLower(SecureFrame.SealV3(keys, 1, Convert.FromHexString((string)v["hex"]!)));
            var error = Assert.Throws<InspectorException>(() => Inspector.Decode(frame, key));
            Assert.Matches(@"^v3 payload malformed after \d reading\(s\): " + (string)v["error"]! + " ", error.Message);
        }
    }

    [Theory]
    [InlineData("decode", "a301000000000000000100000001", "not a valid v3 frame: Truncated")]
    [InlineData("decode", "a302000000000000000100000001000000000000000000", "not a valid v3 frame: UnknownKind")]
    [InlineData("encode", "{\"version\":3,\"kind\":\"uplink-ack\",\"modemId\":\"00000000000004d2\",\"sequence\":1,\"highest\":1,\"bitmap\":\"0\"}", "a v3 frame is uplink-data only")]
    [InlineData("encode", "{\"version\":3,\"kind\":\"uplink-data\",\"modemId\":\"00000000000004d2\",\"sequence\":1,\"packets\":[{\"flow\":\"iot\",\"topic\":\"data\",\"deviceId\":256,\"timestamp\":\"2026-11-24T10:00:00Z\",\"data\":\"00000001\"}]}", "packet 1 has no compact form")]
    public void Invalid_v3_input_exits_2_with_one_line_on_stderr(string command, string input, string reason)
    {
        var (exit, stdout, stderr) = RunCli(command, input, "--key", "000102030405060708090a0b0c0d0e0f");
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(reason, line);
    }

    private static List<V1Packet> V1Packets(string hex)
    {
        var packets = new List<V1Packet>();
        var reader = new UplinkBatchReader(Convert.FromHexString(hex));
        while (reader.TryRead(out var packet, out _)) packets.Add(packet);
        return packets;
    }

    [Theory]
    [InlineData("decode", "zz", "not hex")]
    [InlineData("decode", "2000", "UnknownFlow")]
    [InlineData("encode", "{\"flow\":\"iot\"", "malformed JSON")]
    [InlineData("encode", "{\"flow\":\"carrier-switch\",\"topic\":\"perform\",\"carrier\":\"Sprint\"}", "unknown carrier 'Sprint' (valid: AT&T, T-Mobile, Verizon, Disconnect)")]
    public void Invalid_input_exits_2_with_one_line_on_stderr(string command, string input, string reason)
    {
        var (exit, stdout, stderr) = RunCli(command, input);
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(reason, lines[0]);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void The_program_prints_one_json_object_and_lowercase_hex()
    {
        var (exit, stdout, _) = RunCli("decode", "1020");
        Assert.Equal(0, exit);
        Assert.Equal("{\"flow\":\"carrier-switch\",\"topic\":\"perform\",\"carrier\":\"Verizon\"}\n", stdout);
        (exit, stdout, _) = RunCli("encode", "{\"flow\":\"carrier-switch\",\"topic\":\"ack\",\"status\":\"NACK\",\"carrier\":\"AT&T\"}");
        Assert.Equal(0, exit);
        Assert.Equal("1110\n", stdout);
    }

    private static (int Exit, string Stdout, string Stderr) RunCli(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "simiot-proto.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(30_000), "inspector did not exit");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void A_path_challenge_decodes_to_its_modem_and_nonce()
    {
        var json = Inspector.Decode("a20500000000000004d200112233445566778899aabbccddeeff", null);
        Assert.Equal("path-challenge", (string)json["kind"]!);
        Assert.Equal("00000000000004d2", (string)json["modemId"]!);
        Assert.Equal("00112233445566778899aabbccddeeff", (string)json["nonce"]!);
    }
}

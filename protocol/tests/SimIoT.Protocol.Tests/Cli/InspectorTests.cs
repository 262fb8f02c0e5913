using System.Diagnostics;
using System.Text.Json.Nodes;
using SimIoT.Protocol.Cli;
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

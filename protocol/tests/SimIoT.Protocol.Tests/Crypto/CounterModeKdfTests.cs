using SimIoT.Protocol.Crypto;
using SimIoT.Protocol.Tests.Vectors;
using SimIoT.Protocol.V2;

namespace SimIoT.Protocol.Tests.Crypto;

public class CounterModeKdfTests
{
    [Fact]
    public void A_working_key_is_one_cmac_over_the_sp800_108_input_block()
    {
        // The KDF input for one 128-bit key is exactly one block: 01 || label || 00 || modem id || 0080.
        var master = VectorSets.MasterKeyA;
        using var cmac = new AesCmac(master);
        var block = Convert.FromHexString("01" + "454e4355" + "00" + "00000000000004d2" + "0080");
        var expected = new byte[16];
        cmac.Compute(block, expected);
        Assert.Equal(expected, ModemKeys.DeriveKey(master, VectorSets.ModemA, "ENCU"u8));
    }

    [Fact]
    public void Every_vector_file_entry_derives_its_four_keys()
    {
        foreach (var v in VectorFile.Read("kdf.json"))
        {
            var master = Convert.FromHexString((string)v["masterKey"]!);
            var modem = ModemId.Parse((string)v["modemId"]!);
            Assert.Equal((string)v["encUp"]!, Convert.ToHexStringLower(ModemKeys.DeriveKey(master, modem, ModemKeys.EncryptUplinkLabel)));
            Assert.Equal((string)v["macUp"]!, Convert.ToHexStringLower(ModemKeys.DeriveKey(master, modem, ModemKeys.MacUplinkLabel)));
            Assert.Equal((string)v["encDown"]!, Convert.ToHexStringLower(ModemKeys.DeriveKey(master, modem, ModemKeys.EncryptDownlinkLabel)));
            Assert.Equal((string)v["macDown"]!, Convert.ToHexStringLower(ModemKeys.DeriveKey(master, modem, ModemKeys.MacDownlinkLabel)));
        }
    }

    [Fact]
    public void Keys_differ_by_label_and_by_modem_under_one_master_key()
    {
        var master = VectorSets.MasterKeyA;
        var keys = new[] { "ENCU", "MACU", "ENCD", "MACD" }
            .SelectMany(label => new[] { VectorSets.ModemA, VectorSets.ModemB }
                .Select(modem => Convert.ToHexString(ModemKeys.DeriveKey(master, modem, System.Text.Encoding.ASCII.GetBytes(label)))))
            .ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }

    [Fact]
    public void Longer_output_counts_blocks_and_encodes_its_length()
    {
        var longer = CounterModeKdf.Derive(VectorSets.MasterKeyA, "TEST"u8, [1, 2], 40);
        var shorter = CounterModeKdf.Derive(VectorSets.MasterKeyA, "TEST"u8, [1, 2], 16);
        Assert.Equal(40, longer.Length);
        // L is part of every block's input, so a 16-byte request is not a prefix of a 40-byte one.
        Assert.NotEqual(shorter, longer[..16]);
        Assert.Throws<ArgumentOutOfRangeException>(() => CounterModeKdf.Derive(VectorSets.MasterKeyA, "TEST"u8, [], 0));
    }
}

namespace SimIoT.Protocol.Tests.Vectors;

public class VectorFileTests
{
    public static TheoryData<string> Files => new(VectorSets.All.Keys);

    /// <summary>
    /// The committed files are what the implementation produces. Set SIMIOT_WRITE_VECTORS=1
    /// to rewrite them after a deliberate change (and say why in the commit).
    /// </summary>
    [Theory]
    [MemberData(nameof(Files))]
    public void Committed_vector_file_matches_the_implementation(string file)
    {
        var (description, vectors) = VectorSets.All[file];
        var expected = VectorFile.Render(description, vectors);
        var path = Path.Combine(VectorFile.SourceDirectory(), file);
        if (Environment.GetEnvironmentVariable("SIMIOT_WRITE_VECTORS") == "1")
            File.WriteAllText(path, expected);
        Assert.True(File.Exists(path), $"{path} is missing; run the tests once with SIMIOT_WRITE_VECTORS=1");
        Assert.Equal(expected, File.ReadAllText(path));
    }
}

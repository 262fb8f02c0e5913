using System.Runtime.CompilerServices;
using System.Xml.Linq;

namespace SimIoT.Firmware.Tests.Core;

/// <summary>The ESP32 project cannot be built here; at least it must link every core source, and only those.</summary>
public class Esp32ProjectTests
{
    [Fact]
    public void The_nfproj_links_exactly_the_cores_sources()
    {
        string firmware = Path.GetFullPath(Path.Combine(Here(), "../../.."));
        string core = Path.Combine(firmware, "src/SimIoT.Firmware.Core");
        var sources = Directory.GetFiles(core, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(core, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("obj/", StringComparison.Ordinal) && !f.StartsWith("bin/", StringComparison.Ordinal)).Order();
        var project = XDocument.Load(Path.Combine(firmware, "esp32/SimIoT.Firmware.Esp32/SimIoT.Firmware.Esp32.nfproj"));
        const string prefix = "../../src/SimIoT.Firmware.Core/";
        var linked = project.Descendants().Where(e => e.Name.LocalName == "Compile")
            .Select(e => e.Attribute("Include")!.Value.Replace('\\', '/'))
            .Where(p => p.StartsWith(prefix, StringComparison.Ordinal)).Select(p => p[prefix.Length..]).Order();
        Assert.Equal(sources, linked);
    }

    private static string Here([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}

namespace SimIoT.Edge.Tests.Hardware;

/// <summary>
/// A test that needs real hardware: it runs when the named environment variable is set and is
/// reported as skipped (never as passed) otherwise.
/// </summary>
public sealed class HardwareFactAttribute : FactAttribute
{
    public HardwareFactAttribute(string variable)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable)))
        {
            Skip = $"hardware test: set {variable} (see edge/README.md, Hardware tests)";
        }
    }
}

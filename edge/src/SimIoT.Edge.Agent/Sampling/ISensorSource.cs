namespace SimIoT.Edge.Sampling;

/// <summary>
/// One physical sensor as the scheduler sees it. <see cref="Open"/> creates the driver (which
/// checks the chip's identity); <see cref="Sample"/> reads it once. Both throw (usually
/// <see cref="IOException"/>) when the chip does not answer or is not what it should be; the
/// scheduler then closes it and opens it again later.
/// </summary>
public interface ISensorSource : IDisposable
{
    string Name { get; }

    void Open();

    /// <param name="timestampUtc">The sampling instant, stamped on every reading produced.</param>
    IReadOnlyList<Readings.Reading> Sample(DateTime timestampUtc);

    /// <summary>Re-checks the chip's identity; throws when another chip (or none) answers.</summary>
    void Verify();

    void Close();
}

namespace SimIoT.Cloud.Hosting;

/// <summary>Which parts one process runs: all of them (embedded), or one side of the split profile.</summary>
public enum CloudRole
{
    All,
    Gateway,
    Api,
}

namespace SimIoT.Cloud.Api;

public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Shown as a link in the modem view when set (e.g. http://127.0.0.1:3000/d/simiot).</summary>
    public string? GrafanaUrl { get; set; }
}

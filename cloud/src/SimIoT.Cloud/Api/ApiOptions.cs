namespace SimIoT.Cloud.Api;

public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Shown as a link in the modem view when set (e.g. http://127.0.0.1:3000/d/simiot).</summary>
    public string? GrafanaUrl { get; set; }

    /// <summary>Largest request body taken (then 413); the API's bodies are a few hundred bytes.</summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;
}

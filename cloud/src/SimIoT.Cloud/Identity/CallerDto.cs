namespace SimIoT.Cloud.Identity;

/// <summary>The caller as the web UI shows it; the antiforgery field and token go into its logout form.</summary>
public sealed record CallerDto(string Name, string Organization, string Role, string AntiforgeryField, string AntiforgeryToken);

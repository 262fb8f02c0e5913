namespace SimIoT.Cloud.Api;

/// <summary>POST /api/bulk-commands: a carrier for either a list of modems or every modem matching a filter.</summary>
/// <param name="Carrier">AT&amp;T, T-Mobile, Verizon or Disconnect.</param>
/// <param name="Modems">Modem ids (16 hex digits), at most <see cref="BulkCommandsApi.MaxIds"/>; or null when <paramref name="Filter"/> is given.</param>
/// <param name="Filter">The filters of GET /api/modems (q, carrier, link, protocol, tag; {} for the whole fleet); or null when <paramref name="Modems"/> is given.</param>
public sealed record BulkCommandRequest(string? Carrier, string[]? Modems, FleetQuery? Filter);

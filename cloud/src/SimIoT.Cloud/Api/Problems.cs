using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace SimIoT.Cloud.Api;

/// <summary>The RFC 7807 answers the API gives, worded once.</summary>
internal static class Problems
{
    public static ProblemHttpResult UnknownModem(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown modem", detail: $"no modem {id} is registered");

    public static ProblemHttpResult UnknownCommand(uint id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown command", detail: $"no command {id}");

    public static ProblemHttpResult BadModemId(string? id) =>
        Validation("id", $"'{id}' is not a modem id (exactly 16 hex digits)");

    public static ProblemHttpResult Validation(string field, string message) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid request", detail: message,
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [message] } });
}

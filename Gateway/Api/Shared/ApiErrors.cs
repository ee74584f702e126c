namespace Gateway.Api.Shared;

/// <summary>Errors of the operator and query API, in the OpenAI error shape our clients already parse.</summary>
internal static class ApiErrors
{
    public static IResult BadRequest(string parameter, string message) =>
        Error(400, "invalid_request_error", $"{parameter}: {message}", parameter);

    public static IResult NotFound(string what) => Error(404, "not_found", $"{what} not found");

    public static IResult Unauthorized() =>
        Error(401, "invalid_api_key", "Send the admin key or an API key as 'Authorization: Bearer <key>'.");

    public static IResult Error(int status, string code, string message, string? param = null) =>
        Results.Json(new { error = new { message, type = code, code, param } }, statusCode: status);
}

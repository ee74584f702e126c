using System.Text.Json;

namespace Gateway.Proxy;

/// <summary>
/// Writes an error in the shape the client's SDK parses: OpenAI <c>{"error":{"message","type","code"}}</c>,
/// Anthropic <c>{"type":"error","error":{"type","message"}}</c>, Google <c>{"error":{"code","message","status"}}</c>.
/// </summary>
internal static class WireErrors
{
    public static Task WriteAsync(HttpContext context, ClientDialect dialect, Refusal refusal)
    {
        var response = context.Response;
        response.StatusCode = refusal.Status;
        response.ContentType = "application/json";
        response.ContentLength = null;
        return response.Body.WriteAsync(Body(dialect, refusal.Status, refusal.Code, refusal.Message), context.RequestAborted).AsTask();
    }

    /// <summary>The error body alone: also what a translated call's upstream error becomes in the client's format.</summary>
    public static byte[] Body(ClientDialect dialect, int status, string? code, string message)
    {
        object body = dialect switch
        {
            ClientDialect.Anthropic => new { type = "error", error = new { type = AnthropicType(status), message, code } },
            // Google's code is the HTTP status; our own code goes where Google puts a machine-readable reason.
            ClientDialect.Gemini => new { error = new { code = status, message, status = GoogleStatus(status), details = GoogleDetails(code) } },
            _ => new { error = new { message, type = OpenAIType(status), code } },
        };
        return JsonSerializer.SerializeToUtf8Bytes(body);
    }

    private static string OpenAIType(int status) => status switch
    {
        401 => "authentication_error",
        402 => "insufficient_quota",
        404 => "invalid_request_error",
        429 => "rate_limit_error",
        >= 500 => "api_error",
        _ => "invalid_request_error",
    };

    // Anthropic's documented error types, by status.
    private static string AnthropicType(int status) => status switch
    {
        401 => "authentication_error",
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        503 => "overloaded_error",
        504 => "timeout_error",
        >= 500 => "api_error",
        _ => "invalid_request_error",
    };

    // google.rpc.Code names, by the HTTP status Google maps each to.
    private static string GoogleStatus(int status) => status switch
    {
        400 or 413 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        402 => "FAILED_PRECONDITION",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        409 => "ABORTED",
        429 => "RESOURCE_EXHAUSTED",
        499 => "CANCELLED",
        501 => "UNIMPLEMENTED",
        503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        >= 500 => "INTERNAL",
        _ => "FAILED_PRECONDITION",
    };

    private static object[] GoogleDetails(string? code) => code is null ? [] :
        [new Dictionary<string, string> { ["@type"] = "type.googleapis.com/google.rpc.ErrorInfo", ["reason"] = code, ["domain"] = "gateway" }];
}

using System.Text.Json;

namespace Gateway.Proxy;

/// <summary>
/// Writes an error in the shape the client's SDK parses: OpenAI <c>{"error":{"message","type","code"}}</c>,
/// Anthropic <c>{"type":"error","error":{"type","message"}}</c>.
/// </summary>
internal static class WireErrors
{
    public static Task WriteAsync(HttpContext context, ClientDialect dialect, Refusal refusal)
    {
        var response = context.Response;
        response.StatusCode = refusal.Status;
        response.ContentType = "application/json";
        response.ContentLength = null;
        object body = dialect == ClientDialect.Anthropic
            ? new { type = "error", error = new { type = AnthropicType(refusal.Status), message = refusal.Message, code = refusal.Code } }
            : new { error = new { message = refusal.Message, type = OpenAIType(refusal.Status), code = refusal.Code } };
        return response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted);
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
}

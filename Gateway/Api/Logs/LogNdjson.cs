using System.Text.Json;
using Metering.Logs;
using Metering.Pricing;

namespace Gateway.Api.Logs;

/// <summary>
/// Log rows as NDJSON, one <see cref="LogDto"/> per line, byte for byte what <c>/logs</c> answers,
/// written field by field so the details object is serialized once per distinct text.
/// </summary>
internal static class LogNdjson
{
    /// <summary>The details object as <c>/logs</c> serializes it, formatted once per distinct details.</summary>
    public static byte[] DetailsJson(LogDetails? details, JsonSerializerOptions options) =>
        JsonSerializer.SerializeToUtf8Bytes(details, options);

    public static void Write(Utf8JsonWriter json, LogRecord r, byte[] detailsJson)
    {
        json.WriteStartObject();
        json.WriteNumber("id", r.Id);
        json.WriteString("request_id", r.RequestId);
        json.WriteString("time", LogDto.FormatTime(r.TimeMs));
        json.WriteString("type", r.Type);
        Number(json, "account_id", r.AccountId);
        json.WriteString("token_name", r.TokenName);
        json.WriteString("group", r.Grp);
        json.WriteString("model", r.Model);
        json.WriteString("path", r.Path);
        json.WriteNumber("status", r.Status);
        json.WriteBoolean("stream", r.Stream);
        Number(json, "duration_ms", r.DurationMs);
        Number(json, "first_token_ms", r.FirstTokenMs);
        json.WriteNumber("input_tokens", r.InputTokens);
        json.WriteNumber("output_tokens", r.OutputTokens);
        json.WriteNumber("cached_tokens", r.CachedTokens);
        json.WriteNumber("cache_write_tokens", r.CacheWriteTokens);
        json.WriteNumber("spend", NanoUsd.ToUsd(r.SpendNano));
        json.WriteString("ip", r.Ip);
        json.WriteString("message", r.Message);
        json.WritePropertyName("details");
        json.WriteRawValue(detailsJson, skipInputValidation: true);
        json.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } number)
            json.WriteNumber(name, number);
        else
            json.WriteNull(name);
    }
}

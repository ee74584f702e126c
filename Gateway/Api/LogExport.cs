using System.Text;
using System.Text.Json;
using Metering.Storage;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Gateway.Api;

/// <summary>
/// <c>GET /logs/export?format=csv|ndjson</c>: the filtered rows, newest first, streamed as they are read.
/// Rows are formatted into a small buffer that is flushed to the response whenever it fills, so
/// memory stays flat however many rows leave.
/// </summary>
internal static class LogExport
{
    public const string CsvContentType = "text/csv; charset=utf-8";
    public const string NdjsonContentType = "application/x-ndjson";

    // Characters formatted before they are written out; big enough to amortise a flush, small enough to stay flat.
    private const int FlushChars = 32 * 1024;

    public static async Task ExportAsync(HttpContext context, LogStore logs, IOptions<JsonOptions> json,
        [AsParameters] LogFilterParameters filters, string? format)
    {
        if (await CallerScope.ResolveAsync(context) is not { } scope)
        {
            await ApiErrors.Unauthorized().ExecuteAsync(context);
            return;
        }
        var (query, error) = LogQueryParser.CheckNames(context.Request.Query, "format") is { } badName
            ? (null, badName)
            : LogQueryParser.Parse(filters, scope);
        var csv = (LogQueryParser.Text(format) ?? "csv") == "csv";
        if (error is null && !csv && format != "ndjson")
            error = ApiErrors.BadRequest("format", "must be csv or ndjson.");
        if (error is not null)
        {
            await error.ExecuteAsync(context);
            return;
        }

        context.Response.ContentType = csv ? CsvContentType : NdjsonContentType;
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"logs.{(csv ? "csv" : "ndjson")}\"";
        var text = new StringBuilder(FlushChars + 4096);
        if (csv)
            LogCsv.AppendHeader(text);
        var options = json.Value.SerializerOptions;
        await foreach (var row in logs.ExportAsync(query!, context.RequestAborted))
        {
            var dto = LogDto.From(row);
            if (csv)
                LogCsv.AppendRow(text, dto);
            else
                text.Append(JsonSerializer.Serialize(dto, options)).Append('\n');
            if (text.Length >= FlushChars)
                await FlushAsync(context, text);
        }
        await FlushAsync(context, text);
    }

    private static async Task FlushAsync(HttpContext context, StringBuilder text)
    {
        var writer = context.Response.BodyWriter;
        // One encoder across the chunks: a surrogate pair may straddle two of them.
        var encoder = Encoding.UTF8.GetEncoder();
        foreach (var chunk in text.GetChunks())
            encoder.Convert(chunk.Span, writer, flush: false, out _, out _);
        encoder.Convert(ReadOnlySpan<char>.Empty, writer, flush: true, out _, out _);
        text.Clear();
        await writer.FlushAsync(context.RequestAborted);
    }
}

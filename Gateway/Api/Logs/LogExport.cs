using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Gateway.Api.Shared;
using Metering.Logs;
using Metering.Storage;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Gateway.Api.Logs;

/// <summary>
/// <c>GET /logs/export?format=csv|ndjson</c>: the filtered rows, newest first, streamed as they are read.
/// Rows are written into the response pipe and flushed whenever 32 KiB have gathered, so memory stays
/// flat however many rows leave.
/// </summary>
internal static class LogExport
{
    public const string CsvContentType = "text/csv; charset=utf-8";
    public const string NdjsonContentType = "application/x-ndjson";

    // Bytes (or CSV characters) gathered before they are sent; big enough to amortise a flush, small enough to stay flat.
    private const int FlushBytes = 32 * 1024;

    // Rows read ahead of the formatting at most: chunks of 256, 16 chunks.
    private const int ChunkRows = 256;
    private const int ReadAheadChunks = 16;

    public static async Task ExportAsync(HttpContext context, ILogReader logs, IOptions<JsonOptions> options,
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
        var body = context.Response.BodyWriter;
        var text = new StringBuilder(FlushBytes + 4096);
        var encoder = Encoding.UTF8.GetEncoder();
        var serializer = options.Value.SerializerOptions;
        // Same escaping as the /logs answers, so a line equals the item there.
        await using var json = new Utf8JsonWriter(body, new JsonWriterOptions { Encoder = serializer.Encoder, SkipValidation = true });
        var csvDetails = new LogDetailsCache<string>(LogCsv.DetailsFields);
        var jsonDetails = new LogDetailsCache<byte[]>(d => LogNdjson.DetailsJson(d, serializer));
        if (csv)
            LogCsv.AppendHeader(text);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var rows = ReadAhead(logs.ExportAsync(query!, done.Token), done.Token, out var reading);
        try
        {
            await foreach (var chunk in rows.ReadAllAsync(done.Token))
            foreach (var row in chunk)
            {
                if (csv)
                {
                    LogCsv.AppendRow(text, row, csvDetails.Get(row.Details));
                    if (text.Length >= FlushBytes)
                        Encode(text, encoder, body);
                }
                else
                {
                    LogNdjson.Write(json, row, jsonDetails.Get(row.Details));
                    json.Flush();
                    json.Reset();
                    body.Write("\n"u8);
                }
                if (body.UnflushedBytes >= FlushBytes)
                    await body.FlushAsync(context.RequestAborted);
            }
            await reading;
        }
        finally
        {
            await done.CancelAsync();   // stops the reader if the client left
        }
        Encode(text, encoder, body);
        encoder.Convert(ReadOnlySpan<char>.Empty, body, flush: true, out _, out _);
        await body.FlushAsync(context.RequestAborted);
    }

    /// <summary>
    /// Reads rows on another thread into a small bounded queue, so SQLite's reading and the formatting
    /// and sending here overlap (each is about half the cost of a row). Rows travel in chunks: a
    /// hand-over per row cost more than the row. The queue keeps memory flat.
    /// </summary>
    private static ChannelReader<List<LogRecord>> ReadAhead(IAsyncEnumerable<LogRecord> source, CancellationToken cancellationToken, out Task reading)
    {
        var queue = Channel.CreateBounded<List<LogRecord>>(new BoundedChannelOptions(ReadAheadChunks) { SingleReader = true, SingleWriter = true });
        reading = Task.Run(async () =>
        {
            try
            {
                var chunk = new List<LogRecord>(ChunkRows);
                await foreach (var row in source)
                {
                    chunk.Add(row);
                    if (chunk.Count < ChunkRows)
                        continue;
                    await queue.Writer.WriteAsync(chunk, cancellationToken);
                    chunk = new List<LogRecord>(ChunkRows);
                }
                await queue.Writer.WriteAsync(chunk, cancellationToken);
                queue.Writer.Complete();
            }
            catch (Exception ex)
            {
                queue.Writer.Complete(ex);
            }
        }, cancellationToken);
        return queue.Reader;
    }

    private static void Encode(StringBuilder text, Encoder encoder, PipeWriter body)
    {
        // One encoder across chunks and flushes: a surrogate pair may straddle two of them.
        foreach (var chunk in text.GetChunks())
            encoder.Convert(chunk.Span, body, flush: false, out _, out _);
        text.Clear();
    }
}

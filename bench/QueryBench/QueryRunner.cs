using System.Diagnostics;
using System.Net.Http.Headers;

namespace QueryBench;

/// <summary>
/// Times the query API of a running gateway over HTTP (sequential calls, warm cache): p50/p95 per
/// kind of query, then export throughput. Filter values rotate between calls.
/// </summary>
internal static class QueryRunner
{
    private sealed record Kind(string Name, bool AsKeyHolder, Func<int, string> Url);

    public static async Task RunAsync(BenchArgs args)
    {
        var url = new Uri(args.Text("url", "http://127.0.0.1:8080"));
        var adminKey = args.Text("admin-key", "bench-admin");
        var iterations = (int)args.Number("iterations", 40);
        var exportDays = args.Number("export-days", 7);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var day30 = $"start={now - 30 * 86_400}";
        string Model(int i) => $"model-{i % 30:00}";

        Kind[] kinds =
        [
            new("list page 1, no filter", false, _ => "/logs"),
            new("list page 1, type=error", false, _ => "/logs?type=error"),
            new("list page 1, type=system", false, _ => "/logs?type=system"),
            new("list page 1, group=vip", false, _ => "/logs?group=vip"),
            new("list page 1, token_name", false, i => $"/logs?token_name=key-{i * 7 % 200}"),
            new("list page 1, model", false, i => $"/logs?model={Model(i)}"),
            new("list page 1, account_id", false, i => $"/logs?account_id={i % 50 + 1}"),
            new("list page 1, last 24 h", false, _ => $"/logs?start={now - 86_400}"),
            new("list page 1, key holder", true, _ => "/logs"),
            new("list page 1, key holder + model", true, i => $"/logs?model={Model(i)}"),
            new("list page 1, key holder + type=error", true, _ => "/logs?type=error"),
            new("list page 1000, model", false, i => $"/logs?model={Model(i)}&page=1000"),
            new("list page 1000, no filter", false, _ => "/logs?page=1000"),
            new("list page 1000, key holder", true, _ => "/logs?page=1000"),
            new("stats 30 d", false, _ => $"/logs/stats?{day30}"),
            new("stats 30 d, model", false, i => $"/logs/stats?{day30}&model={Model(i)}"),
            new("stats 30 d, key holder", true, _ => $"/logs/stats?{day30}"),
            new("stats 30 d, key holder + model", true, i => $"/logs/stats?{day30}&model={Model(i)}"),
            new("group_by=model 30 d", false, _ => $"/logs/stats?{day30}&group_by=model"),
            new("group_by=token_name 30 d", false, _ => $"/logs/stats?{day30}&group_by=token_name"),
            new("group_by=group 30 d", false, _ => $"/logs/stats?{day30}&group_by=group"),
            new("group_by=day 30 d", false, _ => $"/logs/stats?{day30}&group_by=day"),
            new("group_by=hour 30 d", false, _ => $"/logs/stats?{day30}&group_by=hour"),
            new("group_by=model 30 d, key holder", true, _ => $"/logs/stats?{day30}&group_by=model"),
        ];

        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(30) };
        Console.WriteLine($"| query | p50 ms | p95 ms | max ms |{Environment.NewLine}|---|---:|---:|---:|");
        foreach (var kind in kinds)
        {
            var times = new List<double>();
            for (var i = -2; i < iterations; i++)
            {
                var key = kind.AsKeyHolder ? Seeder.KeySecretPrefix + (i + 2) * 13 % 200 : adminKey;
                var elapsed = await TimeAsync(http, kind.Url(i + 2), key);
                if (i >= 0)
                    times.Add(elapsed);
            }
            times.Sort();
            Console.WriteLine($"| {kind.Name} | {Rank(times, 0.50):F1} | {Rank(times, 0.95):F1} | {times[^1]:F1} |");
        }
        foreach (var format in new[] { "csv", "ndjson" })
        {
            await TimeAsync(http, $"/logs/export?format={format}&start={now - 86_400}", adminKey);   // warm-up (JIT)
            await ExportAsync(http, adminKey, $"/logs/export?format={format}&start={now - exportDays * 86_400}");
        }
    }

    private static async Task<double> TimeAsync(HttpClient http, string path, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var clock = Stopwatch.StartNew();
        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{path}: {(int)response.StatusCode}");
        return elapsed;
    }

    private static async Task ExportAsync(HttpClient http, string key, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var clock = Stopwatch.StartNew();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[1 << 16];
        long lines = 0, bytes = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            bytes += read;
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
        }
        var seconds = clock.Elapsed.TotalSeconds;
        var rows = path.Contains("csv") ? lines - 1 : lines;
        Console.WriteLine($"export {path}: {rows:N0} rows, {bytes / 1e6:F0} MB in {seconds:F1} s = {rows / seconds:N0} rows/s");
    }

    private static double Rank(List<double> sorted, double q) => sorted[Math.Max(0, (int)Math.Ceiling(q * sorted.Count) - 1)];
}

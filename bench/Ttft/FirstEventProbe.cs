using System.Diagnostics;
using System.Net.Http.Headers;

namespace Ttft;

/// <summary>
/// Sends the paced request <c>count</c> times in a row on one warm connection and times, per request:
/// the wall time to the first event (TTFT), and the transit time the path adds, i.e. request
/// send → upstream arrival plus first event written → first event read (clock shared on one machine).
/// Prints one <c>TTFT</c> line with medians and 99th percentiles in milliseconds.
/// </summary>
internal static class FirstEventProbe
{
    public static async Task<int> RunAsync(string name, Uri url, string key, byte[] body, int count)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AutomaticDecompression = System.Net.DecompressionMethods.None });
        var ttft = new List<double>();
        var transit = new List<double>();
        var eventTransit = new List<double>();
        var failures = 0;
        var completed = 0;
        for (var i = 0; i <= count; i++) // the first request warms the connection and is not counted
        {
            var sample = await ProbeOnceAsync(client, url, key, body);
            if (sample is null) { failures++; continue; }
            completed++;
            if (i == 0) continue;
            ttft.Add(sample.Value.Ttft);
            transit.Add(sample.Value.Transit);
            eventTransit.AddRange(sample.Value.EventTransits);
        }
        Console.WriteLine(FormattableString.Invariant(
            $"TTFT name={name} n={ttft.Count} completed={completed} failures={failures} ttft_p50={P(ttft, 50):F3} ttft_p99={P(ttft, 99):F3} transit_p50={P(transit, 50):F3} transit_p99={P(transit, 99):F3} event_p50={P(eventTransit, 50):F3} event_p99={P(eventTransit, 99):F3}"));
        return failures == 0 ? 0 : 1;
    }

    private readonly record struct Sample(double Ttft, double Transit, List<double> EventTransits);

    private static async Task<Sample?> ProbeOnceAsync(HttpClient client, Uri url, string key, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var sent = Stopwatch.GetTimestamp();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
            return null;
        await using var stream = await response.Content.ReadAsStreamAsync();
        var reader = new SentStampReader();
        var buffer = new byte[16 * 1024];
        double? ttft = null, transit = null;
        var events = new List<double>();
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var (arrived, written) in reader.Feed(buffer.AsSpan(0, read)))
            {
                events.Add(Ms(now - written));
                if (ttft is null)
                {
                    ttft = Ms(now - sent);
                    transit = Ms(arrived - sent) + Ms(now - written);
                }
            }
        }
        return ttft is null ? null : new Sample(ttft.Value, transit!.Value, events);
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static double P(List<double> values, double percentile)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(percentile / 100 * sorted.Length) - 1)];
    }
}

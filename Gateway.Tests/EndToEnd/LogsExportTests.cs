using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Api.Logs;
using Gateway.Tests.Fakes;
using static Gateway.Tests.Metering.Storage.LogRows;

namespace Gateway.Tests.EndToEnd;

/// <summary>SPEC §7 <c>GET /logs/export</c>: RFC 4180 CSV or NDJSON, streamed, with the filters and scope of <c>/logs</c>.</summary>
public class LogsExportTests
{
    private static readonly string[] Awkward =
    [
        "plain", "comma, inside", "quote \" inside", "\"starts quoted\"", "line\r\nbreak", "lf\nonly", "emoji 😀 and ü", " padded ", "",
    ];

    [Fact]
    public async Task Export_Csv_RoundTripsEveryRowAndField()
    {
        await using var host = await GatewayHost.StartAsync();
        await host.SeedAsync(Awkward.Select((m, i) => Row(T0 + i, message: m, model: i % 2 == 0 ? "m1" : "m,2", firstTokenMs: i % 3 == 0 ? 42 : null)));

        using var client = host.NewClient(GatewayHost.AdminKey);
        using var response = await client.GetAsync("/logs/export?format=csv");
        var records = ParseCsv(await response.Content.ReadAsStringAsync());
        var (_, list) = await host.GetJsonAsync("/logs?page_size=1000");

        response.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        records[0].Should().Equal(LogCsv.Header);
        var items = list.GetProperty("items").EnumerateArray().ToList();
        records.Skip(1).Should().HaveCount(items.Count);
        foreach (var (record, item) in records.Skip(1).Zip(items))
        {
            var row = LogCsv.Header.Zip(record).ToDictionary(p => p.First, p => p.Second);
            row["id"].Should().Be(item.GetProperty("id").GetInt64().ToString());
            row["time"].Should().Be(item.GetProperty("time").GetString());
            row["message"].Should().Be(item.GetProperty("message").GetString());
            row["model"].Should().Be(item.GetProperty("model").GetString());
            row["spend"].Should().Be(item.GetProperty("spend").GetRawText());
            row["first_token_ms"].Should().Be(item.GetProperty("first_token_ms") is { ValueKind: JsonValueKind.Number } f ? f.GetRawText() : "");
            row["completion_ratio"].Should().Be("2");
            row["usage_source"].Should().Be("upstream");
            row["completed"].Should().Be("true");
        }
    }

    [Fact]
    public async Task Export_Csv_FormulaLikeText_IsDefused_NdjsonKeepsIt()
    {
        string[] formulas = ["=HYPERLINK(\"http://x\",\"y\")", "+1", "-2", "@SUM(A1)", "\tx", "a=1"];
        await using var host = await GatewayHost.StartAsync();
        await host.SeedAsync(formulas.Select((f, i) => Row(T0 + i, message: f, model: f)));
        using var client = host.NewClient(GatewayHost.AdminKey);

        var csv = ParseCsv(await client.GetStringAsync("/logs/export?format=csv"));
        var ndjson = (await client.GetStringAsync("/logs/export?format=ndjson")).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var expected = formulas.Reverse().Select(f => f == "a=1" ? f : "'" + f).ToArray();
        csv.Skip(1).Select(r => r[Array.IndexOf(LogCsv.Header, "model")]).Should().Equal(expected);
        csv.Skip(1).Select(r => r[Array.IndexOf(LogCsv.Header, "message")]).Should().Equal(expected);
        ndjson.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("model").GetString()).Should().Equal(formulas.Reverse());
    }

    [Fact]
    public async Task Export_Ndjson_EachLineIsTheListItem()
    {
        await using var host = await GatewayHost.StartAsync();
        await host.SeedAsync(Awkward.Select((m, i) => Row(T0 + i, message: m)));

        using var client = host.NewClient(GatewayHost.AdminKey);
        using var response = await client.GetAsync("/logs/export?format=ndjson");
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var (_, list) = await host.GetJsonAsync("/logs?page_size=1000");

        response.Content.Headers.ContentType!.MediaType.Should().Be("application/x-ndjson");
        lines.Select(l => JsonDocument.Parse(l).RootElement.GetRawText())
            .Should().Equal(list.GetProperty("items").EnumerateArray().Select(i => i.GetRawText()));
    }

    [Fact]
    public async Task Export_FiltersAndScope_SameRowsAsList()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(1m);
        var key = await host.CreateKeyAsync(account);
        await host.SeedAsync(Random(200, seed: 3).Select(r => r with { AccountId = r.AccountId == 1 ? account : r.AccountId + 100 }));
        const string filters = "model=m2&start=2025-03-01T10:00:00Z&end=1740960000";

        using var client = host.NewClient(key);
        var csv = ParseCsv(await client.GetStringAsync($"/logs/export?{filters}"));
        var (_, list) = await host.GetJsonAsync($"/logs?{filters}&page_size=1000", key);

        var ids = list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64().ToString()).ToList();
        ids.Should().NotBeEmpty();
        csv.Skip(1).Select(r => r[0]).Should().Equal(ids);
    }

    [Fact]
    public async Task Export_ManyRows_StreamedInChunksNotBuffered()
    {
        await using var host = await GatewayHost.StartAsync();
        await host.SeedAsync(Enumerable.Range(0, 5_000).Select(i => Row(T0 + i, message: new string('x', 100))));

        using var client = host.NewClient(GatewayHost.AdminKey);
        using var response = await client.GetAsync("/logs/export", HttpCompletionOption.ResponseHeadersRead);
        var lines = 0;
        using (var reader = new StreamReader(await response.Content.ReadAsStreamAsync()))
            while (await reader.ReadLineAsync() is not null)
                lines++;

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.TransferEncodingChunked.Should().BeTrue();
        lines.Should().Be(5_001);
    }

    /// <summary>An RFC 4180 reader, strict: quoted fields may hold commas, doubled quotes and line breaks; records end in CRLF.</summary>
    private static List<string[]> ParseCsv(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '"')
            {
                for (i++; !(text[i] == '"' && (i + 1 == text.Length || text[i + 1] != '"')); i++)
                {
                    if (text[i] == '"')
                        i++;
                    field.Append(text[i]);
                }
                i++;
            }
            else if (text[i] == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
                i++;
            }
            else if (text[i] == '\r')
            {
                text[i + 1].Should().Be('\n', "records end in CRLF");
                fields.Add(field.ToString());
                field.Clear();
                records.Add([.. fields]);
                fields.Clear();
                i += 2;
            }
            else
            {
                text[i].Should().NotBe('\n', "a bare line feed must be quoted");
                text[i].Should().NotBe('"');
                field.Append(text[i++]);
            }
        }
        fields.Should().BeEmpty("the last record ends in CRLF too");
        return records;
    }
}

using System.Net;
using System.Text;
using Gateway.Tests.Fakes;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// A seeded fuzz pass over the model price calls (SPEC §13): bad values in every field, garbage bodies, odd model
/// names. Each answer is a 4xx JSON error (never a 5xx), no price changes and no system row is written.
/// </summary>
public class ModelPriceFuzzTests
{
    private const int Seed = 20_260_313;
    private const int Cases = 150;

    private static readonly string[] Fields = ["cluster", "model_ratio", "completion_ratio", "cache_ratio", "cache_write_ratio", "price", "upstream_model"];

    // (A NUL in the path, %00, is refused by Kestrel itself with a bare 400, before any route: not a case for the API.)
    private static readonly string[] Names = ["test-model", "not-configured", "a/b/c", "%E2%80%AE", "%0A", new string('m', 300), ""];

    [Fact]
    public async Task ModelCalls_FuzzedBodiesAndNames_4xxJson_NothingChanges()
    {
        await using var host = await GatewayHost.StartAsync();
        var random = new Random(Seed);

        for (var i = 0; i < Cases; i++)
        {
            var name = Names[random.Next(Names.Length)];
            var method = random.Next(4) == 0 ? HttpMethod.Delete : HttpMethod.Put;
            using var request = new HttpRequestMessage(method, $"/admin/models/{name}");
            var body = method == HttpMethod.Put ? Body(random) : null;
            if (body is not null)
                request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) { Headers = { { "Content-Type", "application/json" } } };
            var description = $"case {i}: {method} {name[..Math.Min(name.Length, 40)]} {(body is null ? "" : body[..Math.Min(body.Length, 120)])}";

            using var response = await host.Admin.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();

            ((int)response.StatusCode).Should().BeInRange(400, 499, description);
            FluentActions.Invoking(() => BadInputTests.ErrorType(text, anthropic: false)).Should().NotThrow($"{description} answered {(int)response.StatusCode} '{text}'");
            text.Should().NotContain("System.", description).And.NotContain("sk-gw-pasted-secret", description);
        }

        var (_, models) = await host.GetJsonAsync("/admin/models");
        models.EnumerateArray().Select(m => m.GetProperty("source").GetString()).Should().AllBe("appsettings");
        (await host.RowsOfTypeAsync("system")).Should().BeEmpty();
        (await host.Admin.GetAsync("/healthz")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    /// <summary>Every field present carries a bad value (the cluster is never a configured one); sometimes garbage, or an unknown field.</summary>
    private static string Body(Random random)
    {
        if (random.Next(5) == 0)
            return AdminFuzzTests.Garbage[random.Next(AdminFuzzTests.Garbage.Length)];
        var parts = Fields.Where(_ => random.Next(3) > 0)
            .Select(f => $"\"{f}\":{AdminFuzzTests.BadValues[random.Next(AdminFuzzTests.BadValues.Length)]}").ToList();
        if (random.Next(4) == 0)
            parts.Add($"\"sk-gw-pasted-secret\":1");
        return "{" + string.Join(',', parts) + "}";
    }
}

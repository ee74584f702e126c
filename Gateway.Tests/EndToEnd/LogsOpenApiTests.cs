using System.Net;
using System.Text.Json;
using Gateway.Tests.Fakes;

namespace Gateway.Tests.EndToEnd;

/// <summary>The OpenAPI document of the operator and query API at <c>/openapi/v1.json</c>.</summary>
public class LogsOpenApiTests
{
    [Fact]
    public async Task OpenApi_Document_DescribesTheQueryAndOperatorApi()
    {
        await using var host = await GatewayHost.StartAsync();

        var (status, document) = await host.GetJsonAsync("/openapi/v1.json", key: null);

        status.Should().Be(HttpStatusCode.OK);
        var paths = document.GetProperty("paths");
        paths.EnumerateObject().Select(p => p.Name).Should().Contain(
            ["/logs", "/logs/{id}", "/logs/stats", "/logs/export", "/admin/accounts", "/admin/accounts/{id}", "/admin/keys"]);
        Parameters(paths.GetProperty("/logs").GetProperty("get")).Should().Contain(
            ["start", "end", "type", "group", "token_name", "model", "account_id", "page", "page_size"]);
        Parameters(paths.GetProperty("/logs/stats").GetProperty("get")).Should().Contain("group_by");
        Parameters(paths.GetProperty("/logs/export").GetProperty("get")).Should().Contain("format");
        paths.GetProperty("/admin/accounts").GetProperty("post").GetProperty("requestBody").GetProperty("content")
            .TryGetProperty("application/json", out _).Should().BeTrue();
        paths.GetProperty("/admin/keys").GetProperty("post").GetProperty("responses").TryGetProperty("201", out _).Should().BeTrue();
        document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString().Should().Be("bearer");
        document.GetProperty("components").GetProperty("schemas").EnumerateObject().Select(s => s.Name).Should().Contain(["LogDto", "LogStatsDto"]);
    }

    private static IEnumerable<string> Parameters(JsonElement operation) =>
        operation.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()!);
}

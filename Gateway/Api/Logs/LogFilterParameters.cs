using Microsoft.AspNetCore.Mvc;

namespace Gateway.Api.Logs;

/// <summary>
/// The filters shared by <c>/logs</c>, <c>/logs/stats</c> and <c>/logs/export</c>, as sent. Declared here
/// so the OpenAPI document lists them; <see cref="LogQueryParser"/> validates them.
/// </summary>
internal sealed record LogFilterParameters(
    [property: FromQuery(Name = "start")] string? Start,
    [property: FromQuery(Name = "end")] string? End,
    [property: FromQuery(Name = "type")] string? Type,
    [property: FromQuery(Name = "group")] string? Group,
    [property: FromQuery(Name = "token_name")] string? TokenName,
    [property: FromQuery(Name = "model")] string? Model,
    [property: FromQuery(Name = "account_id")] string? AccountId)
{
    public static readonly string[] Names = ["start", "end", "type", "group", "token_name", "model", "account_id"];
}

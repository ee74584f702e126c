namespace Gateway.Api.Shared;

/// <summary>The shape <see cref="ApiErrors"/> answers with, declared for the OpenAPI document.</summary>
internal sealed record ApiErrorDto(ApiErrorDetailDto Error);

/// <summary><c>param</c> names the offending parameter of a 400.</summary>
internal sealed record ApiErrorDetailDto(string Message, string Type, string Code, string? Param);

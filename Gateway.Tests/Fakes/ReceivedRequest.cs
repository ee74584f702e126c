namespace Gateway.Tests.Fakes;

/// <summary>A request as the fake upstream saw it.</summary>
public sealed record ReceivedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body);

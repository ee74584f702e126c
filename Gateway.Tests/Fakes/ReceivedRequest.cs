namespace Gateway.Tests.Fakes;

/// <summary>A request as the fake upstream saw it.</summary>
/// <param name="BodyBytes">The body's length in bytes (a binary upload's text in <paramref name="Body"/> is not).</param>
public sealed record ReceivedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body, long BodyBytes = 0);

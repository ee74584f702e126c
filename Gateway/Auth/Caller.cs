namespace Gateway.Auth;

/// <summary>Who is calling: the key holder a valid gateway key belongs to, and what its key may do.</summary>
internal sealed record Caller(long KeyId, long AccountId, string TokenName, string Group, KeyPolicy Policy);

namespace Gateway.Auth;

/// <summary>Who is calling: the key holder a valid gateway key belongs to.</summary>
internal sealed record Caller(long KeyId, long AccountId, string TokenName, string Group);

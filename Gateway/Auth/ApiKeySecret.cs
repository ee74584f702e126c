using System.Security.Cryptography;
using System.Text;

namespace Gateway.Auth;

/// <summary>
/// Gateway API keys: 32 random bytes, shown once; only their SHA-256 is stored. A fast hash is right
/// here (unlike passwords): the secret has 256 bits of entropy, so there is nothing to brute-force.
/// </summary>
internal static class ApiKeySecret
{
    public const string Prefix = "sk-gw-";

    public static string Generate() =>
        Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>What may be shown of a key later: enough to recognise it, too little to use it.</summary>
    public static string Hint(string secret) => $"{Prefix}…{secret[^4..]}";

    /// <summary>Compares two secrets in time independent of where they differ.</summary>
    public static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Hash(a), Hash(b));
}

using Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Gateway.Auth;

/// <summary>Checks the operator's key; without one configured, the admin API stays shut.</summary>
internal sealed class AdminGuard(IOptions<GatewayOptions> options)
{
    public const string NotConfiguredMessage =
        "The admin API is disabled: set Gateway:AdminKey (environment variable Gateway__AdminKey) to a long random secret.";

    public bool IsConfigured => !string.IsNullOrEmpty(options.Value.AdminKey);

    public bool IsAdmin(string? secret) =>
        IsConfigured && secret is not null && ApiKeySecret.FixedTimeEquals(secret, options.Value.AdminKey!);
}

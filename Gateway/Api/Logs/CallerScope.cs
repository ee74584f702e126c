using Gateway.Auth;

namespace Gateway.Api.Logs;

/// <summary>What a reader of the log may see: the operator everything, a key holder their account.</summary>
internal sealed record CallerScope(long? AccountId)
{
    public static async Task<CallerScope?> ResolveAsync(HttpContext context)
    {
        var secret = Credentials.Read(context.Request);
        if (context.RequestServices.GetRequiredService<AdminGuard>().IsAdmin(secret))
            return new CallerScope((long?)null);
        var caller = await context.RequestServices.GetRequiredService<ApiKeyAuthenticator>().AuthenticateAsync(secret);
        return caller is null ? null : new CallerScope(caller.AccountId);
    }
}

using Gateway.Auth;
using Metering.Ledger;
using Metering.Storage;

namespace Gateway.Cluster.ChangeFeed;

/// <summary>Applies a change notice to this instance's caches: the key cache, the account states, and any <see cref="IChangeListener"/>.</summary>
internal sealed partial class CacheInvalidator(ApiKeyAuthenticator authenticator, AccountStates accounts, IWriteQueue writer,
    IEnumerable<IChangeListener> listeners, ILogger<CacheInvalidator> logger)
{
    public void Apply(ChangeNotice notice)
    {
        switch (notice.Kind)
        {
            case ChangeKind.KeyRevoked:
                authenticator.Evict(notice.Id);
                break;
            case ChangeKind.KeyChanged:
                authenticator.Forget(notice.Id);
                break;
            case ChangeKind.AccountChanged:
                _ = ForgetAccountAsync(notice.Id);
                break;
        }
        foreach (var listener in listeners)
            listener.OnChange(notice);
    }

    /// <summary>Every key is read again: messages sent while Redis was away are lost.</summary>
    public void ForgetAllKeys() => authenticator.ForgetAll();

    // Through the writer, so the account leaves memory in commit order (see AccountStates.StageForget);
    // its next request loads it again.
    private async Task ForgetAccountAsync(long accountId)
    {
        try
        {
            await writer.ExecuteAsync(_ =>
            {
                accounts.StageForget(accountId);
                return 0;
            });
        }
        catch (Exception ex)
        {
            Log.AccountNotForgotten(logger, ex, accountId);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Account {AccountId} changed elsewhere but its cached state could not be dropped")]
        public static partial void AccountNotForgotten(ILogger logger, Exception exception, long accountId);
    }
}

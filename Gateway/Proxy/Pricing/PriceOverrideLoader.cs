using Gateway.Cluster.ChangeFeed;
using Gateway.Configuration;
using Metering.Storage;

namespace Gateway.Proxy.Pricing;

/// <summary>
/// Lays the model prices stored at run time over the catalog: at start, after this instance changes one, when the
/// change feed says another instance did (<see cref="ChangeKind.PricesChanged"/>), and on every poll in case such
/// a message was lost. A stored price the configuration no longer supports (its cluster was removed) is skipped
/// with a warning, and the model keeps its configured entry.
/// </summary>
internal sealed partial class PriceOverrideLoader(IModelPriceStore store, PriceCatalog catalog, CatalogOptionsValidator rules,
    ILogger<PriceOverrideLoader> logger) : IChangeListener
{
    // One load at a time, each reading the store once it holds the gate: the last to finish read the newest.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IReadOnlyList<ModelPriceOverride> _applied = [];

    /// <summary>Reads the stored prices and, when they differ from those in force, swaps in a new catalog snapshot.</summary>
    public async Task ReloadAsync()
    {
        await _gate.WaitAsync();
        try
        {
            var stored = await store.ListAsync();
            if (stored.SequenceEqual(_applied))
                return;
            catalog.Apply(stored.Where(Usable).ToList());
            _applied = stored;
        }
        finally
        {
            _gate.Release();
        }
    }

    // Called on a Redis thread: the load runs on its own.
    void IChangeListener.OnChange(ChangeNotice notice)
    {
        if (notice.Kind == ChangeKind.PricesChanged)
            _ = ReloadLoggedAsync();
    }

    private async Task ReloadLoggedAsync()
    {
        try
        {
            await ReloadAsync();
        }
        catch (Exception ex)
        {
            Log.NotReloaded(logger, ex);
        }
    }

    private bool Usable(ModelPriceOverride price)
    {
        foreach (var failure in rules.CheckModel(CatalogModel.EntryOf(price)))
        {
            Log.Skipped(logger, price.Model, failure.ForKey("the run-time price"));
            return false;
        }
        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Run-time model prices could not be read again; the last ones read stay in force")]
        public static partial void NotReloaded(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "The run-time price of model {Model} is not applied, its configured entry is: {Problem}")]
        public static partial void Skipped(ILogger logger, string model, string problem);
    }
}

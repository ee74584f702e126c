namespace Metering.Ledger;

/// <summary>
/// Whether rows can be committed right now. The writer sets it from every commit and from its probe
/// while failing; the gateway refuses metered traffic (503) rather than serve it unmetered.
/// </summary>
public sealed class StoreHealth
{
    private volatile string? _failure;

    public bool IsHealthy => _failure is null;

    /// <summary>Why the store cannot take rows (no secrets: SQLite's own error text), or null when healthy.</summary>
    public string? Failure => _failure;

    internal void ReportFailure(Exception exception) => _failure = $"the usage log cannot be written: {exception.Message}";

    internal void ReportSuccess() => _failure = null;
}

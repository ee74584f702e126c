using Metering.Logs;

namespace Metering.Ledger;

/// <summary>
/// The one way in for a metered row: hands the row (its spend is the account's debit) to the writer,
/// which commits it in a batch through the store. Nothing below calls back up.
/// </summary>
public sealed class LedgerAppender(LedgerWriter writer)
{
    /// <summary>Completes with the row's id once the row and its debit are committed; faults when they could not be.</summary>
    public Task<long> AppendAsync(LogRecord row, CancellationToken cancellationToken = default) => writer.AppendAsync(row, cancellationToken);
}

namespace Metering.Ledger;

/// <summary>One piece of writer work and the task its caller awaits.</summary>
internal sealed class LedgerUnit(LedgerWriter.Work work, bool defersDebits)
{
    public LedgerWriter.Work Work { get; } = work;

    /// <summary>Append work: hands its debits to <see cref="DeferredDebits"/> instead of updating balances.</summary>
    public bool DefersDebits { get; } = defersDebits;

    public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

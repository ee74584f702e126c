namespace Metering.Ledger;

/// <summary>A unit of ledger work refused on its merits (no such account, key already revoked).</summary>
public sealed class LedgerRejectedException(string message) : Exception(message);

using System.Collections.Concurrent;

namespace Gateway.Proxy.StoredResponses;

/// <summary>Who created a stored response, and where it lives: the only account that may reach it, and the upstream that holds it.</summary>
internal sealed record ResponseOwner(long AccountId, string Model, string Cluster, string Destination);

/// <summary>
/// Stored responses by id (SPEC §12): <c>GET/DELETE /v1/responses/{id}</c>, <c>cancel</c> and <c>input_items</c>
/// go to the cluster and destination that created the response, for the account that created it.
/// </summary>
/// <remarks>
/// Kept in memory, bounded: the newest <see cref="Capacity"/> ids (~250 bytes each, ~25 MB when full); the
/// oldest is forgotten first. Forgotten, or created before a restart or on another instance, a response
/// answers 404 like one that never existed: the gateway fails closed rather than guessing its owner. The id is
/// also in the creating row's <c>details.response_id</c>, for the operator; the store's seam has no lookup by
/// it (a persistent, shared map would need one, with an index, in every store).
/// </remarks>
internal sealed class ResponseOwners
{
    public const int Capacity = 100_000;

    private readonly ConcurrentDictionary<string, ResponseOwner> _owners = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _arrival = new();

    public void Remember(string responseId, ResponseOwner owner)
    {
        if (!_owners.TryAdd(responseId, owner))
            return; // the first creator keeps it: an upstream that repeated an id cannot hand it to another account
        _arrival.Enqueue(responseId);
        // Bounded by the queue, which holds every id remembered (forgotten ones too, until they come up):
        // an id forgotten and remembered again may go early, never late.
        while (_arrival.Count > Capacity && _arrival.TryDequeue(out var oldest))
            _owners.TryRemove(oldest, out _);
    }

    /// <returns>The owner when <paramref name="accountId"/> created the response; null for an unknown id and for every other account alike.</returns>
    public ResponseOwner? Find(string responseId, long accountId) =>
        _owners.TryGetValue(responseId, out var owner) && owner.AccountId == accountId ? owner : null;

    /// <summary>After the upstream deleted it: later calls get the gateway's own 404.</summary>
    public void Forget(string responseId) => _owners.TryRemove(responseId, out _);
}

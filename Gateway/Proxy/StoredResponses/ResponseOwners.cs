using System.Collections.Concurrent;

namespace Gateway.Proxy.StoredResponses;

/// <summary>Who created a stored response, and where it lives: the only account that may reach it, and the upstream that holds it.</summary>
internal sealed record ResponseOwner(long AccountId, string Model, string Cluster, string Destination);

/// <summary>
/// Stored responses by id (SPEC §12): <c>GET/DELETE /v1/responses/{id}</c>, <c>cancel</c> and <c>input_items</c>
/// go to the cluster and destination that created the response, for the account that created it.
/// </summary>
/// <remarks>
/// This instance's memory of them, bounded: the newest <see cref="Capacity"/> ids (~250 bytes each, ~25 MB when
/// full); the oldest is forgotten first. An id it does not know (forgotten, created before a restart or on
/// another instance) is looked up in the store by the creating row's <c>details.response_id</c>
/// (<see cref="StoredResponseAdmission"/>). A delete served here is remembered too, so this instance answers
/// later calls itself; another instance forwards them, and the upstream answers its own 404.
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

    /// <summary>Whether this instance saw the id created (by any account) or deleted: if so, the store need not be asked.</summary>
    public bool Knows(string responseId) => _owners.ContainsKey(responseId);

    /// <summary>After the upstream deleted it: later calls get the gateway's own 404, without asking the store.</summary>
    public void Forget(string responseId)
    {
        if (_owners.TryGetValue(responseId, out var owner) && owner != Deleted)
            _owners[responseId] = Deleted;   // still in the arrival queue: bounded like the rest
    }

    /// <summary>An owner no account matches.</summary>
    private static readonly ResponseOwner Deleted = new(-1, "", "", "");
}

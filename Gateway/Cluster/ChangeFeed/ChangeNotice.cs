using System.Globalization;

namespace Gateway.Cluster.ChangeFeed;

/// <summary>What changed; every instance drops what it cached of it.</summary>
internal enum ChangeKind
{
    /// <summary>A key was revoked: refused at once.</summary>
    KeyRevoked,

    /// <summary>A key's group or policy was edited: read again.</summary>
    KeyChanged,

    /// <summary>An account was topped up or edited: its balance and IP recording are read again.</summary>
    AccountChanged,

    /// <summary>A model's price was set or removed at run time (SPEC §13); <see cref="ChangeNotice.Id"/> is 0.</summary>
    PricesChanged,
}

/// <summary>
/// One change-feed message. On the wire (Redis pub/sub) it is <c>kind:id</c>, e.g. <c>key-revoked:12</c>:
/// ids only, never a secret, a name or an amount. A kind this build does not know is ignored, so a newer
/// instance may publish kinds an older one has not learned yet.
/// </summary>
internal readonly record struct ChangeNotice(ChangeKind Kind, long Id)
{
    private static readonly string[] WireKinds = ["key-revoked", "key-changed", "account-changed", "prices-changed"];

    public static ChangeNotice KeyRevoked(long keyId) => new(ChangeKind.KeyRevoked, keyId);

    public static ChangeNotice KeyChanged(long keyId) => new(ChangeKind.KeyChanged, keyId);

    public static ChangeNotice AccountChanged(long accountId) => new(ChangeKind.AccountChanged, accountId);

    public static ChangeNotice PricesChanged() => new(ChangeKind.PricesChanged, 0);

    public string ToWire() => WireKinds[(int)Kind] + ":" + Id.ToString(CultureInfo.InvariantCulture);

    public static bool TryParse(string? wire, out ChangeNotice notice)
    {
        notice = default;
        var colon = wire?.LastIndexOf(':') ?? -1;
        if (colon <= 0)
            return false;
        var kind = Array.IndexOf(WireKinds, wire![..colon]);
        if (kind < 0 || !long.TryParse(wire.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            return false;
        notice = new ChangeNotice((ChangeKind)kind, id);
        return true;
    }
}

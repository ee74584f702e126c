namespace Gateway.Cluster.ChangeFeed;

/// <summary>
/// A cache outside the key and account caches that must follow changes made on any instance (run-time
/// prices and key policies, SPEC §13): register one as a singleton and it is told of every notice, on
/// the instance that made the change and on every other. Called on a Redis thread: do not block.
/// </summary>
internal interface IChangeListener
{
    void OnChange(ChangeNotice notice);
}

namespace Gateway.Tests.Fakes;

/// <summary>
/// The system clock moved by <see cref="Offset"/>: wall time only (timestamps, and so timeouts and
/// durations, stay real). Lets a test cross a UTC midnight or month without waiting for it.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    /// <summary>Moves the clock to <paramref name="at"/> (from now on it runs on from there).</summary>
    public void MoveTo(DateTimeOffset at) => Offset = at - System.GetUtcNow();
}

namespace Gateway.Tests.Fakes;

/// <summary>Waits for what a background job does (rollups, retention): polls a condition until it holds or 20 s pass.</summary>
internal static class Eventually
{
    public static async Task HoldsAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the background job should have run by now");
            await Task.Delay(100);
        }
    }
}

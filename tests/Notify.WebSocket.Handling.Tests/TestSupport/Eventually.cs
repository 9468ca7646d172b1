namespace Notify.WebSocket.Handling.Tests.TestSupport;

/// <summary>Waits for a condition another task makes true, with a deadline (never a fixed sleep).</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string because, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out after {timeoutMs} ms waiting until {because}.");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}

namespace Notify.WebSocket.Testing;

/// <summary>Waits for a condition that another process makes true, with a deadline (never a fixed sleep).</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string because, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeoutMs} ms waiting until {because}.");
            }

            await Task.Delay(20);
        }
    }

    public static Task TrueAsync(Func<bool> condition, string because, int timeoutMs = 10_000) =>
        TrueAsync(() => Task.FromResult(condition()), because, timeoutMs);
}

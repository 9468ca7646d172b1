namespace Notify.WebSocket.AspNetCore.Tests.TestSupport;

/// <summary>For state the server updates after the client returns (a disconnect is processed asynchronously).</summary>
internal static class Eventually
{
    /// <summary>Repeats <paramref name="attempt"/> until <paramref name="done"/> holds or <see cref="GatewayClient.Timeout"/> passes; returns the last value.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> attempt, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow + GatewayClient.Timeout;
        while (true)
        {
            var value = await attempt();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(20);
        }
    }
}

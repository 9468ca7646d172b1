namespace Notify.WebSocket.AspNetCore.Tests.TestSupport;

/// <summary>One <see cref="ConformanceHost"/> for a test class.</summary>
public sealed class ConformanceHostFixture : IAsyncLifetime
{
    internal ConformanceHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Host = await ConformanceHost.StartAsync();

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

namespace Notify.WebSocket.AspNetCore.Tests.TestSupport;

/// <summary>A real redis-server on a free loopback port, without persistence, stopped when the tests end.</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisServer? _server;

    /// <summary>The StackExchange.Redis configuration string, or null when redis-server is not installed.</summary>
    public string? Configuration => _server?.Configuration;

    public string? Binary { get; } = RequiredBinary.Find("redis-server");

    public string RequireConfiguration() => RequiredBinary.Require(Binary, "redis-server", "redis-server") is not null ? Configuration! : null!;

    public async ValueTask InitializeAsync()
    {
        if (Binary is not null)
        {
            _server = await RedisServer.StartAsync(Binary, Notify.WebSocket.Testing.Loopback.FreePort());
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

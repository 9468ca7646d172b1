using Microsoft.Extensions.Logging.Abstractions;
using Notify.WebSocket.Registry;
using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.Registry;

public sealed class ConnectionPoolTests
{
    private static WebSocketProviderOptions External(string token) => new()
    {
        Mode = WebSocketMode.External,
        Protocol = WebSocketProtocol.Ws,
        Url = "wss://example.com/ws",
        AuthType = "bearer",
        AuthToken = token,
    };

    [Fact]
    public async Task SameKey_SharesOneConnection()
    {
        await using var pool = new ConnectionPool(NullLogger.Instance);
        var created = 0;
        FakeExternalTransport.FakeConnection Create(ConnectionPoolKey k)
        {
            created++;
            return new FakeExternalTransport.FakeConnection(k);
        }

        await using var a = pool.Acquire(ConnectionPoolKey.From(External("t")), Create);
        await using var b = pool.Acquire(ConnectionPoolKey.From(External("t")), Create);

        Assert.Same(a.Connection, b.Connection);
        Assert.Equal(1, created);
        Assert.Equal(2, pool.LeaseCount(a.Connection.Key));
    }

    [Fact]
    public async Task DifferentCredentials_DoNotShare()
    {
        await using var pool = new ConnectionPool(NullLogger.Instance);

        await using var a = pool.Acquire(ConnectionPoolKey.From(External("token-a")), k => new FakeExternalTransport.FakeConnection(k));
        await using var b = pool.Acquire(ConnectionPoolKey.From(External("token-b")), k => new FakeExternalTransport.FakeConnection(k));

        Assert.NotSame(a.Connection, b.Connection);
        Assert.Equal(2, pool.Count);
    }

    [Fact]
    public async Task ReleasingTheLastLease_ClosesTheConnection()
    {
        await using var pool = new ConnectionPool(NullLogger.Instance);
        var a = pool.Acquire(ConnectionPoolKey.From(External("t")), k => new FakeExternalTransport.FakeConnection(k));
        var b = pool.Acquire(ConnectionPoolKey.From(External("t")), k => new FakeExternalTransport.FakeConnection(k));

        await a.DisposeAsync();
        await a.DisposeAsync(); // releasing twice must not steal b's share
        Assert.False(b.Connection.Closed);
        Assert.Equal(1, pool.Count);

        await b.DisposeAsync();
        Assert.True(b.Connection.Closed);
        Assert.Equal(0, pool.Count);
    }

    [Fact]
    public async Task DisposingThePool_ClosesEverything()
    {
        var pool = new ConnectionPool(NullLogger.Instance);
        var a = pool.Acquire(ConnectionPoolKey.From(External("a")), k => new FakeExternalTransport.FakeConnection(k));
        var b = pool.Acquire(ConnectionPoolKey.From(External("b")), k => new FakeExternalTransport.FakeConnection(k));

        await pool.DisposeAsync();

        Assert.True(a.Connection.Closed);
        Assert.True(b.Connection.Closed);
        Assert.Throws<ObjectDisposedException>(() => pool.Acquire(ConnectionPoolKey.From(External("c")), k => new FakeExternalTransport.FakeConnection(k)));
    }
}

using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.Logging.Abstractions;
using Notify.WebSocket.Registry;

namespace Notify.WebSocket.Benchmarks;

/// <summary>
/// Pool look-up of a key that is already open (a second provider on the same endpoint), and building the key itself.
/// Neither is on the per-send path: both run once per provider creation (ProviderRegistry → ExternalProviderFactory).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ConnectionPoolBenchmarks
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ConnectionPoolKey, object> _plain = [];
    private ConnectionPool _pool = null!;
    private ConnectionLease<IdleConnection> _held = null!;
    private WebSocketProviderOptions _options = null!;
    private ConnectionPoolKey _lookupKey = null!;
    private string _credentialHash = null!;

    [GlobalSetup]
    public void Setup()
    {
        _options = Samples.ExternalWs();
        var key = ConnectionPoolKey.From(_options);

        // An equal key built separately, as each provider creation builds its own.
        _lookupKey = ConnectionPoolKey.From(_options);
        _credentialHash = key.CredentialHash;
        _pool = new ConnectionPool(NullLogger.Instance);
        _held = _pool.Acquire(key, k => new IdleConnection(k));
        _plain[key] = new object();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _held.DisposeAsync();
        await _pool.DisposeAsync();
    }

    /// <summary>A locked dictionary look-up with the same key: the floor under Acquire.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("acquire-release")]
    public object LockedDictionaryLookup()
    {
        lock (_gate)
        {
            return _plain[_lookupKey];
        }
    }

    [Benchmark]
    [BenchmarkCategory("acquire-release")]
    public ValueTask AcquireRelease()
    {
        var lease = _pool.Acquire(_lookupKey, static k => new IdleConnection(k));
        return lease.DisposeAsync();
    }

    /// <summary>The same key without the keyed credential hash: what From costs beyond hashing.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("key")]
    public object KeyWithoutHashing() =>
        new ConnectionPoolKey(WebSocketProtocol.Ws, _options.Url!, string.Empty, string.Empty, false, _options.AuthType.ToUpperInvariant(), _credentialHash, _options.Envelope.Signature);

    [Benchmark]
    [BenchmarkCategory("key")]
    public object KeyFrom() => ConnectionPoolKey.From(_options);

    private sealed class IdleConnection(ConnectionPoolKey key) : PooledConnection(key)
    {
        public override WebSocketConnectionState State => WebSocketConnectionState.Connected;

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

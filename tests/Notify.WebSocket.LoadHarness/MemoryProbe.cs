using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.Testing;

namespace Notify.WebSocket.LoadHarness;

/// <summary>
/// Retained managed memory per connection: live heap after a full collection with N connections open, minus before,
/// divided by N. External connections are connected to the Node ws server, each with its own credentials (so each is
/// its own pooled connection); in-process ones are joined to one channel.
/// </summary>
internal static class MemoryProbe
{
    public static async Task<IReadOnlyList<string[]>> RunAsync(bool quick, CancellationToken cancellationToken)
    {
        var external = quick ? 20 : 200;
        var inProcess = quick ? 1_000 : 10_000;
        return
        [
            ["memory: bytes per pooled external connection (ws)", Bytes(await PerExternalConnectionAsync(external, cancellationToken).ConfigureAwait(false)) + $" ({external} connections)", "—", "—"],
            ["memory: bytes per in-process gateway connection", Bytes(await PerInProcessConnectionAsync(inProcess).ConfigureAwait(false)) + $" ({inProcess:N0} connections)", "—", "—"],
        ];
    }

    private static string Bytes(double value) => value.ToString("#,0", CultureInfo.InvariantCulture) + " B";

    private static async Task<double> PerExternalConnectionAsync(int count, CancellationToken cancellationToken)
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs", "--sink").ConfigureAwait(false);
        var services = new ServiceCollection();
        var builder = services.AddWebSocketNotifications(o =>
        {
            o.Mode = WebSocketMode.External;
            o.Protocol = WebSocketProtocol.Ws;
            o.Url = server.WsUrl().ToString();
            o.AuthType = AuthTypes.Bearer;
            o.AuthToken = "warm-up";
        });
        for (var i = 0; i < count; i++)
        {
            var token = "token-" + i.ToString(CultureInfo.InvariantCulture);
            builder.ConfigureTenant("t" + i.ToString(CultureInfo.InvariantCulture), o => o.AuthToken = token);
        }

        await using var provider = services.BuildServiceProvider();
        var registry = provider.GetRequiredService<ProviderRegistry>();
        var warm = await registry.GetProviderAsync("warm-up", cancellationToken).ConfigureAwait(false);
        await warm.ValidateAsync(cancellationToken).ConfigureAwait(false);

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var providers = new List<IWebSocketProvider>(count);
        for (var i = 0; i < count; i++)
        {
            var p = await registry.GetProviderAsync("t" + i.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
            providers.Add(p);
        }

        foreach (var p in providers)
        {
            await p.ValidateAsync(cancellationToken).ConfigureAwait(false);
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(providers);
        return (after - before) / (double)count;
    }

    private static Task<double> PerInProcessConnectionAsync(int count)
    {
        var gateway = new InProcessNotificationGateway();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var connections = new List<InProcessConnection>(count);
        for (var i = 0; i < count; i++)
        {
            var connection = gateway.Connect("1", "user" + i);
            connection.JoinChannel("everyone");
            connections.Add(connection);
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(connections);
        return Task.FromResult((after - before) / (double)count);
    }
}

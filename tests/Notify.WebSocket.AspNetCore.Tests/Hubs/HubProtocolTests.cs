using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;

namespace Notify.WebSocket.AspNetCore.Tests.Hubs;

/// <summary>
/// A host that adds SignalR's MessagePack protocol (for hubs of its own): the notification hub keeps speaking JSON, and
/// a real MessagePack client of it is refused at the handshake, with the reason, instead of being cut off later.
/// </summary>
public sealed class HubProtocolTests
{
    [Fact]
    public async Task WithMessagePackAdded_AMessagePackClientIsRefusedAtTheHandshake_AndJsonClientsAreServed()
    {
        await using var server = await GatewayServer.StartAsync(services: s => s.AddSignalR().AddMessagePackProtocol());
        await using var messagePack = new HubConnectionBuilder()
            .WithUrl(server.HubUrl, o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.AccessTokenProvider = () => Task.FromResult<string?>(TestTokens.For("alice", "1"));
            })
            .AddMessagePackProtocol()
            .Build();

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => messagePack.StartAsync(TestContext.Current.CancellationToken));
        await using var json = await GatewayClient.ConnectAsync(server.HubUrl, TestTokens.For("alice", "1"));
        await json.ReadyAsync();
        await (await server.ProviderAsync("1")).SendToUserAsync("alice", new NotificationContent { Subject = "over JSON" }, TestContext.Current.CancellationToken);

        Assert.Contains("messagepack", refused.Message, StringComparison.OrdinalIgnoreCase);
        await json.NotificationAsync("over JSON");
    }

    [Fact]
    public async Task AddingMessagePackToTheNotificationHub_StopsTheHostAtStart_SayingWhy()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => GatewayServer.StartAsync(
            services: s => s.AddSignalR().AddMessagePackProtocol(),
            notifications: b => b.ConfigureNotificationHub(o => o.SupportedProtocols = ["json", "messagepack"])));

        Assert.Contains("speaks JSON only, but its SupportedProtocols include \"messagepack\"", failure.Message, StringComparison.Ordinal);
    }
}

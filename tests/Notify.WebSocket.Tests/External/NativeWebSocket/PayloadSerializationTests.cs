using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.External.NativeWebSocket;

/// <summary>
/// Host data goes through the configured PayloadSerializerOptions only. The options here resolve from a source-generated
/// context alone, with no reflection: what a Native AOT application has.
/// </summary>
public sealed partial class PayloadSerializationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ExternalHarness Harness(NodePeer server, string extraJson = "") =>
        ExternalHarness.Create(server.WsUrl(), extraJson, builder: b => b.ConfigureJson(o =>
            o.PayloadSerializerOptions = new JsonSerializerOptions(SnakeCaseJsonContext.Default.Options)));

    [Fact]
    public async Task Data_IsWrittenWithTheConfiguredSerializer()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = Harness(server, """ "supportChannelBroadcast": true """);
        var provider = await harness.ConnectedAsync();

        var result = await provider.SendToChannelAsync("alerts", new NotificationContent { Subject = "Backup", Data = new AlertData("info", 3) }, Ct);

        Assert.True(result.Success, result.Error?.Message);
        await Eventually.TrueAsync(async () => (await server.GetAsync("/stats")).GetProperty("messages").GetArrayLength() == 1, "the message arrived");
        var data = (await server.GetAsync("/stats")).GetProperty("messages")[0].GetProperty("data").GetProperty("data");
        Assert.Equal("info", data.GetProperty("alert_level").GetString());
        Assert.Equal(3, data.GetProperty("retry_count").GetInt32());
    }

    [Fact]
    public async Task Data_OfATypeNoResolverKnows_FailsTheSend_WithoutThrowing_AndSendsNothing()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = Harness(server, """ "supportChannelBroadcast": true, "enableAcknowledgments": true """);
        var provider = await harness.ConnectedAsync();

        var toChannel = await provider.SendToChannelAsync("alerts", new NotificationContent { Data = new { type = "system" } }, Ct);
        var toUser = await provider.SendToUserAsync("u1", new NotificationContent { Data = new Uri("https://example.com") }, Ct);
        var fine = await provider.SendToUserAsync("u1", new NotificationContent { Body = "no data" }, Ct);

        foreach (var failed in new[] { toChannel, toUser })
        {
            Assert.False(failed.Success);
            Assert.Equal(WebSocketErrorCodes.SerializationError, failed.Error!.Code);
            Assert.False(failed.Error.Retryable);
            Assert.Contains(".ConfigureJson(", failed.Error.Message, StringComparison.Ordinal);
        }

        Assert.True(fine.Success, fine.Error?.Message);
        Assert.Equal(1, (await server.GetAsync("/stats")).GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task TypedQuery_WithJsonTypeInfo_UsesIt_AndAnUnknownResponseTypeThrowsTheSerializationCode()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = Harness(server, """ "enableRequestResponse": true """);
        var provider = await harness.ConnectedAsync();
        var request = new QueryRequest("user:info", new Dictionary<string, string> { ["userId"] = "42" });

        var typed = await provider.QueryAsync(request, SnakeCaseJsonContext.Default.EchoResponse, Ct);
        var resolved = await provider.QueryAsync<EchoResponse>(request, Ct);
        var unknown = await Assert.ThrowsAsync<WebSocketNotificationException>(() => provider.QueryAsync<Version>(request, Ct).AsTask());

        Assert.Equal("42", typed!.Echo["userId"]);
        Assert.Equal("user:info", resolved!.Event);
        Assert.Equal(WebSocketErrorCodes.SerializationError, unknown.Code);
    }

    internal sealed record AlertData(string AlertLevel, int RetryCount);

    internal sealed record EchoResponse(string Event, Dictionary<string, string> Echo);

    [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
    [JsonSerializable(typeof(AlertData))]
    [JsonSerializable(typeof(EchoResponse))]
    [JsonSerializable(typeof(Dictionary<string, string>))]
    internal sealed partial class SnakeCaseJsonContext : JsonSerializerContext;
}

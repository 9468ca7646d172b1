using Microsoft.AspNetCore.SignalR.Client;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;

namespace Notify.WebSocket.AspNetCore.Tests.Hubs;

/// <summary>
/// Every request is answered, whatever its shape, by the official JavaScript client (@microsoft/signalr in Node) with
/// fire-and-forget sends (no invocation id: nothing but the gateway itself could answer), and the connection stays usable.
/// </summary>
public sealed class MalformedRequestTests
{
    /// <summary>The argument of the request as JSON, parsed by JSON.parse in Node; the expected error code.</summary>
    public static TheoryData<string, string, string> Requests => new()
    {
        { "channel:join", "42", "INVALID_REQUEST" },
        { "channel:join", "[\"alerts\"]", "INVALID_REQUEST" },
        { "channel:join", "\"alerts\"", "INVALID_REQUEST" },
        { "channel:join", "null", "INVALID_REQUEST" },
        { "channel:join", "true", "INVALID_REQUEST" },
        { "channel:join", "{}", "INVALID_REQUEST" },
        { "channel:join", "{\"channel\":\"alerts\"}", "INVALID_REQUEST" },
        { "channel:join", "{\"channelName\":5}", "INVALID_REQUEST" },
        { "channel:join", "{\"channelName\":null}", "INVALID_REQUEST" },
        { "channel:join", "{\"channelName\":[\"alerts\"]}", "INVALID_REQUEST" },
        { "channel:join", "{\"channelName\":{\"name\":\"alerts\"}}", "INVALID_REQUEST" },
        { "channel:join", "{\"channelName\":\"\\ud800\"}", "INVALID_REQUEST" },
        { "channel:join", "{\"channelName\":\"public.\\udc00x\"}", "INVALID_REQUEST" },
        { "channel:join", "{\"channelName\":\"\"}", "CHANNEL_INVALID" },
        { "channel:join", "{\"channelName\":\"public.\\u202etxt.exe\"}", "CHANNEL_INVALID" },
        { "channel:leave", "7", "INVALID_REQUEST" },
        { "channel:leave", "{\"channelName\":false}", "INVALID_REQUEST" },
        { "channel:leave", "{\"channelName\":\"\\udbff\"}", "INVALID_REQUEST" },
        { "channel:leave", "{\"channelName\":\"a\\nb\"}", "CHANNEL_INVALID" },
    };

    [Fact]
    public async Task MalformedRequests_EachGetsAnErrorWithAStableCode_AndTheConnectionStaysUsable()
    {
        await using var server = await GatewayServer.StartAsync(gateway: o => o.ChannelRequestPermitLimit = null);
        await using var client = await NodeSignalRClient.StartAsync(server.HubUrl, TestTokens.For("mallory", "1"));
        Assert.True(client.Started);
        await client.EventAsync("channel:joined", b => b.GetProperty("channelName").GetString() == "system");

        var codes = new List<string?>();
        foreach (var row in Requests)
        {
            var (method, argument, _) = row.Data;
            await client.SendAsync(method, "[" + argument + "]");
            var error = await client.EventAsync("error");
            codes.Add(error.GetProperty("code").GetString());
        }

        await client.JoinAsync("public.still-works");
        await client.EventAsync("channel:joined", b => b.GetProperty("channelName").GetString() == "public.still-works");

        Assert.Equal(Requests.Select(r => r.Data.Item3), codes);
        Assert.DoesNotContain(client.Lines(), l => l.GetProperty("type").GetString() is "closed" or "send-failed");
    }

    [Fact]
    public async Task MalformedRequest_FromTheDotNetClient_GetsInvalidRequest()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var client = await server.ConnectAsync("mallory", "1");

        await client.Connection.SendAsync("channel:join", 12345);
        var error = await client.NextAsync("error");
        await client.JoinedAsync("public.after");

        Assert.Equal("INVALID_REQUEST", error.GetProperty("code").GetString());
    }
}

using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.External.NativeWebSocket;

public sealed class AcknowledgmentAndQueryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AckedSends_ManyInFlight_AllSucceedCorrelatedById()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = ExternalHarness.Create(server.WsUrl(), """ "enableAcknowledgments": true """);
        var provider = await harness.ConnectedAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 300).Select(i =>
            provider.SendToUserAsync("u" + i, new NotificationContent { Body = "n" + i }, Ct).AsTask()));

        Assert.All(results, r => Assert.True(r.Success, r.Error?.Message));
        Assert.All(results, r => Assert.Equal(true, r.Metadata["acknowledged"]));
        var messages = (await server.GetAsync("/stats")).GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(300, messages.Count);
        Assert.All(messages, m => Assert.True(m.GetProperty("requiresAck").GetBoolean()));
        Assert.Equal(results.Select(r => r.MessageId).Order(), messages.Select(m => m.GetProperty("id").GetString()!).Order());
    }

    [Fact]
    public async Task Envelope_MatchesTheOriginalSystemsFormat()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = ExternalHarness.Create(server.WsUrl(), """ "customEvents": { "notification": "notify" } """);
        var provider = await harness.ConnectedAsync();

        var result = await provider.SendToUserAsync("user-123", new NotificationContent { Subject = "New Message", Body = "hi", Data = new { messageId = "msg-456" } }, Ct);

        await Eventually.TrueAsync(async () => (await server.GetAsync("/stats")).GetProperty("messages").GetArrayLength() == 1, "the message arrived");
        var message = (await server.GetAsync("/stats")).GetProperty("messages")[0];
        Assert.Equal("notify", message.GetProperty("event").GetString());
        Assert.True(DateTimeOffset.TryParse(message.GetProperty("timestamp").GetString(), out _));
        Assert.False(message.TryGetProperty("requiresAck", out _));
        var data = message.GetProperty("data");
        Assert.Equal(result.MessageId, data.GetProperty("id").GetString());
        Assert.Equal("New Message", data.GetProperty("subject").GetString());
        Assert.Equal("user-123", data.GetProperty("recipient").GetProperty("userId").GetString());
        Assert.Equal("msg-456", data.GetProperty("data").GetProperty("messageId").GetString());
    }

    [Fact]
    public async Task MissingAck_TimesOutAsRetryable()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs", "--no-ack");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = ExternalHarness.Create(server.WsUrl(), """ "enableAcknowledgments": true, "acknowledgmentTimeout": 3000 """, clock);
        var provider = await harness.ConnectedAsync();

        var send = provider.SendToUserAsync("u", new NotificationContent { Body = "x" }, Ct).AsTask();
        await Eventually.TrueAsync(async () => (await server.GetAsync("/stats")).GetProperty("messages").GetArrayLength() == 1, "the server got the message");
        clock.Advance(TimeSpan.FromSeconds(3));
        var result = await send.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.False(result.Success);
        Assert.Equal(WebSocketErrorCodes.Timeout, result.Error!.Code);
        Assert.True(result.Error.Retryable);
    }

    [Fact]
    public async Task Query_ReturnsTheServersResponse()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = ExternalHarness.Create(server.WsUrl(), """ "enableRequestResponse": true """);
        var provider = await harness.ConnectedAsync();

        var response = await provider.QueryAsync(new QueryRequest("user:info", new { userId = "12345" }) { Timeout = TimeSpan.FromSeconds(10) }, Ct);
        var typed = await provider.QueryAsync<EchoResponse>(new QueryRequest("user:info", new { userId = "42" }), Ct);

        Assert.Equal("user:info", response.GetProperty("event").GetString());
        Assert.Equal("12345", response.GetProperty("echo").GetProperty("userId").GetString());
        Assert.Equal("42", typed!.Echo.GetProperty("userId").GetString());
    }

    [Fact]
    public async Task Query_AnsweredWithoutData_IsJsonNull()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = ExternalHarness.Create(server.WsUrl(), """ "enableRequestResponse": true """);
        var provider = await harness.ConnectedAsync();

        var response = await provider.QueryAsync(new QueryRequest("user:info", new { noData = true }), Ct);
        var typed = await provider.QueryAsync<EchoResponse>(new QueryRequest("user:info", new { noData = true }), Ct);

        Assert.Equal(JsonValueKind.Null, response.ValueKind);
        Assert.Equal("null", response.GetRawText());
        Assert.Null(typed);
    }

    [Fact]
    public async Task Queries_ManyInFlight_EachGetsItsOwnResponse()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = ExternalHarness.Create(server.WsUrl(), """ "enableRequestResponse": true """);
        var provider = await harness.ConnectedAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 64).Select(async i =>
            (i, await provider.QueryAsync(new QueryRequest("lookup", new { n = i, delayMs = 64 - i }), Ct))));

        Assert.All(responses, r => Assert.Equal(r.i, r.Item2.GetProperty("echo").GetProperty("n").GetInt32()));
    }

    [Fact]
    public async Task Query_TimesOutAfterRequestTimeout_AndTheLateResponseIsIgnored()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = ExternalHarness.Create(server.WsUrl(), """ "enableRequestResponse": true, "requestTimeout": 5000 """, clock);
        var provider = await harness.ConnectedAsync();

        var slow = provider.QueryAsync(new QueryRequest("slow", new { delayMs = 300 }), Ct).AsTask();
        await Eventually.TrueAsync(async () => (await server.GetAsync("/stats")).GetProperty("messages").GetArrayLength() == 1, "the server got the query");
        clock.Advance(TimeSpan.FromMilliseconds(5000));
        var ex = await Assert.ThrowsAsync<WebSocketNotificationException>(() => slow.WaitAsync(TimeSpan.FromSeconds(10), Ct));

        Assert.Equal(WebSocketErrorCodes.Timeout, ex.Code);
        Assert.Contains("\"slow\"", ex.Message, StringComparison.Ordinal);

        // The response to the timed-out query arrives later, is ignored, and the connection keeps working.
        var next = await provider.QueryAsync(new QueryRequest("fast", new { delayMs = 400 }), Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal("fast", next.GetProperty("event").GetString());
        Assert.Equal(WebSocketConnectionState.Connected, provider.State);
    }

    [Fact]
    public async Task Query_WithRequestResponseDisabled_FailsClearly()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        await using var harness = ExternalHarness.Create(server.WsUrl());
        var provider = await harness.ConnectedAsync();

        var ex = await Assert.ThrowsAsync<WebSocketNotificationException>(async () => await provider.QueryAsync(new QueryRequest("user:info"), Ct));

        Assert.Equal(WebSocketErrorCodes.NotConfigured, ex.Code);
        Assert.Contains("enableRequestResponse", ex.Message, StringComparison.Ordinal);
    }

    private sealed record EchoResponse(string Event, JsonElement Echo);
}

using System.Net.WebSockets;
using System.Text.Json;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;

namespace Notify.WebSocket.AspNetCore.Tests.SocketIo;

/// <summary>
/// The Socket.IO v5 protocol document, case by case (connect, disconnect, messages, acknowledgments, binary
/// attachments, malformed packets), against the conformance host's namespaces <c>/</c> and <c>/custom</c>.
/// </summary>
[Collection(TimingSensitiveTests.Name)]
public sealed class SocketIoConformanceTests(ConformanceHostFixture fixture) : IClassFixture<ConformanceHostFixture>
{
    private RawEngineIo Client() => new(fixture.Host.Http, "/socket.io");

    [Theory]
    [InlineData("40", "", "42[\"auth\",{}]")]
    [InlineData("40{\"token\":\"123\"}", "", "42[\"auth\",{\"token\":\"123\"}]")]
    [InlineData("40/custom,", "/custom,", "42/custom,[\"auth\",{}]")]
    [InlineData("40/custom,{\"token\":\"abc\"}", "/custom,", "42/custom,[\"auth\",{\"token\":\"abc\"}]")]
    public async Task Connect_ToANamespace_WithOrWithoutPayload_IsAnsweredWithItsSid(string connect, string namespacePrefix, string authEvent)
    {
        using var client = Client();
        var (socket, _) = await client.OpenWebSocketAsync();
        using var _s = socket;

        await RawEngineIo.SendTextAsync(socket, connect);
        var answer = await RawEngineIo.ReceiveTextAsync(socket, skipPings: true);
        var auth = await RawEngineIo.ReceiveTextAsync(socket, skipPings: true);

        Assert.StartsWith("40" + namespacePrefix, answer);
        var handshake = JsonDocument.Parse(answer[(2 + namespacePrefix.Length)..]).RootElement;
        Assert.Equal(["sid"], handshake.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.String, handshake.GetProperty("sid").ValueKind);
        Assert.Equal(authEvent, auth);
    }

    [Fact]
    public async Task Connect_ToAnUnknownNamespace_IsAnsweredWithConnectError()
    {
        using var client = Client();
        var (socket, _) = await client.OpenWebSocketAsync();
        using var _s = socket;

        await RawEngineIo.SendTextAsync(socket, "40/random");

        Assert.Equal("44/random,{\"message\":\"Invalid namespace\"}", await RawEngineIo.ReceiveTextAsync(socket, skipPings: true));
    }

    [Fact]
    public async Task Connect_InvalidHandshake_ClosesTheConnection()
    {
        using var client = Client();
        var (socket, _) = await client.OpenWebSocketAsync();
        using var _s = socket;

        await RawEngineIo.SendTextAsync(socket, "4abc");

        await RawEngineIo.ClosedAsync(socket);
    }

    [Fact]
    public async Task Connect_NoHandshakeWithinTheConnectTimeout_ClosesTheConnection()
    {
        using var client = Client();
        var (socket, _) = await client.OpenWebSocketAsync();
        using var _s = socket;

        // Pongs keep the Engine.IO session alive: only the missing CONNECT ends it.
        var started = DateTime.UtcNow;
        while (await RawEngineIo.ReceiveAsync(socket) is ("2", null))
        {
            await RawEngineIo.SendTextAsync(socket, "3");
        }

        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(900), "closed before the connect timeout");
    }

    [Fact]
    public async Task Disconnect_FromTheMainNamespace_KeepsTheConnection()
    {
        using var client = Client();
        using var socket = await ConnectAsync(client);

        await RawEngineIo.SendTextAsync(socket, "41");

        Assert.Equal("2", await RawEngineIo.ReceiveTextAsync(socket));
    }

    [Fact]
    public async Task Disconnect_FromACustomNamespace_LeavesTheMainNamespaceConnected()
    {
        using var client = Client();
        using var socket = await ConnectAsync(client);
        await RawEngineIo.SendTextAsync(socket, "40/custom");
        await RawEngineIo.ReceiveTextAsync(socket, skipPings: true);
        await RawEngineIo.ReceiveTextAsync(socket, skipPings: true);

        await RawEngineIo.SendTextAsync(socket, "41/custom");
        await RawEngineIo.SendTextAsync(socket, "42[\"message\",\"message to main namespace\"]");

        Assert.Equal("42[\"message-back\",\"message to main namespace\"]", await RawEngineIo.ReceiveTextAsync(socket, skipPings: true));
    }

    [Fact]
    public async Task Event_PlainText_IsEchoed()
    {
        using var client = Client();
        using var socket = await ConnectAsync(client);

        await RawEngineIo.SendTextAsync(socket, "42[\"message\",1,\"2\",{\"3\":[true]}]");

        Assert.Equal("42[\"message-back\",1,\"2\",{\"3\":[true]}]", await RawEngineIo.ReceiveTextAsync(socket, skipPings: true));
    }

    [Theory]
    [InlineData("452-[\"message\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", "452-[\"message-back\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]")]
    [InlineData("452-789[\"message-with-ack\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", "462-789[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]")]
    public async Task BinaryAttachments_AreReassembledAndSentBack_AfterTheirPacket(string packet, string expected)
    {
        using var client = Client();
        using var socket = await ConnectAsync(client);

        await RawEngineIo.SendTextAsync(socket, packet);
        await RawEngineIo.SendBinaryAsync(socket, [1, 2, 3]);
        await RawEngineIo.SendBinaryAsync(socket, [4, 5, 6]);

        Assert.Equal(expected, await RawEngineIo.ReceiveTextAsync(socket, skipPings: true));
        Assert.Equal([1, 2, 3], (await RawEngineIo.ReceiveAsync(socket, skipPings: true)).Binary);
        Assert.Equal([4, 5, 6], (await RawEngineIo.ReceiveAsync(socket, skipPings: true)).Binary);
    }

    [Fact]
    public async Task Event_WithAnAckId_IsAcknowledgedWithTheSameId()
    {
        using var client = Client();
        using var socket = await ConnectAsync(client);

        await RawEngineIo.SendTextAsync(socket, "42456[\"message-with-ack\",1,\"2\",{\"3\":[false]}]");

        Assert.Equal("43456[1,\"2\",{\"3\":[false]}]", await RawEngineIo.ReceiveTextAsync(socket, skipPings: true));
    }

    [Theory]
    [InlineData("4abc")]
    [InlineData("42{}")]
    [InlineData("42")]
    [InlineData("42[]")]
    [InlineData("42abc[\"message-with-ack\",1,\"2\",{\"3\":[false]}]")]
    [InlineData("42[\"connect\"]")]
    [InlineData("43[1]")]
    [InlineData("44{\"message\":\"x\"}")]
    [InlineData("40")]
    [InlineData("42/custom,[\"message\"]")]
    [InlineData("411-[\"x\"]")]
    [InlineData("451[\"message\"]")]
    [InlineData("4511-[\"message\"]")]
    public async Task MalformedOrOutOfStatePacket_ClosesTheConnection(string packet)
    {
        using var client = Client();
        using var socket = await ConnectAsync(client);

        await RawEngineIo.SendTextAsync(socket, packet);

        await RawEngineIo.ClosedAsync(socket);
    }

    [Fact]
    public async Task BinaryFrame_WithoutABinaryPacket_ClosesTheConnection()
    {
        using var client = Client();
        using var socket = await ConnectAsync(client);

        await RawEngineIo.SendBinaryAsync(socket, [1, 2, 3]);

        await RawEngineIo.ClosedAsync(socket);
    }

    [Fact]
    public async Task ServerEventWithAck_IsAcknowledgedByTheClient_TextAndBinary()
    {
        using var client = Client();
        using var socket = await ConnectAsync(client);
        var server = await Notify.WebSocket.Testing.Eventually.TrueAsync(() => fixture.Host.MainSockets().Length > 0, "the socket is connected")
            .ContinueWith(_ => fixture.Host.MainSockets().Last(), TaskScheduler.Default);

        var plain = server.EmitWithAckAsync(w => w.WriteRawValue("""["question",1]"""), TimeSpan.FromSeconds(5));
        var asked = await RawEngineIo.ReceiveTextAsync(socket, skipPings: true);
        var id = asked[2..asked.IndexOf('[', StringComparison.Ordinal)];
        await RawEngineIo.SendTextAsync(socket, $"43{id}[\"answer\"]");
        var binary = server.EmitWithAckAsync(w => w.WriteRawValue("""["question",2]"""), TimeSpan.FromSeconds(5));
        var asked2 = await RawEngineIo.ReceiveTextAsync(socket, skipPings: true);
        var id2 = asked2[2..asked2.IndexOf('[', StringComparison.Ordinal)];
        await RawEngineIo.SendTextAsync(socket, $"461-{id2}[{{\"_placeholder\":true,\"num\":0}}]");
        await RawEngineIo.SendBinaryAsync(socket, [9, 8]);

        Assert.Equal("42" + id + "[\"question\",1]", asked);
        Assert.Equal("[\"answer\"]", (await plain).Arguments.GetRawText());
        var binaryAck = await binary;
        Assert.Equal([9, 8], binaryAck.Attachments.Single().ToArray());
    }

    private static async Task<ClientWebSocket> ConnectAsync(RawEngineIo client)
    {
        var (socket, _) = await client.OpenWebSocketAsync();
        await RawEngineIo.SendTextAsync(socket, "40");
        Assert.StartsWith("40{", await RawEngineIo.ReceiveTextAsync(socket, skipPings: true));
        Assert.Equal("42[\"auth\",{}]", await RawEngineIo.ReceiveTextAsync(socket, skipPings: true));
        return socket;
    }
}

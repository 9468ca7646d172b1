using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;
using Notify.WebSocket.Testing;

namespace Notify.WebSocket.AspNetCore.Tests.SocketIo;

/// <summary>
/// 10,000 malformed Engine.IO / Socket.IO inputs from many connections at once (random bytes, truncated packets,
/// wrong types, huge attachment counts, bad namespaces, oversized payloads, bad polling bodies): each offending
/// connection is closed (or refused, HTTP 400/413) with the protocol's error, each is counted, the log stays a few
/// lines, and the clients that behave keep receiving every notification, in order, throughout.
/// </summary>
[Collection(TimingSensitiveTests.Name)]
public sealed class HostileInputTests(ITestOutputHelper output)
{
    private const int Inputs = 10_000;
    private const int Attackers = 16;
    private const int MaxBuffer = 10_000;

    private static readonly string Token = TestTokens.For("mallory", "1");

    private static readonly string[] Crafted =
    [
        "", "4", "42", "42[", "42[\"message\"", "45", "451-", "451-[", "4512345678901-[\"x\"]", "4599999-[\"x\",{\"_placeholder\":true,\"num\":0}]",
        "47", "49abc", "4/", "40/" + new string('n', 300), "42/nsp-not-connected,[\"x\"]", "4-1[\"x\"]", "4212345678901234567890[\"x\"]",
        "42[\"connect\",{}]", "43[1]", "44{}", "41{}", "40[]", "40\"str\"", "42[true]", "42[null,1]",
        "0", "5", "7", "2", "2probe", "x", "\u0000", "42[" + new string('[', 200) + "]", "42[\"message\"]" + "\u001e",
    ];

    [Fact]
    public async Task TenThousandMalformedInputs_EachOffenderIsClosed_TheServerStaysUp_AndOthersKeepReceiving()
    {
        var logs = new CapturingLoggerProvider();
        await using var server = await GatewayServer.StartAsync(
            socketIo: o => o.MaxHttpBufferSize = MaxBuffer,
            gateway: o => o.ConnectionPermitLimit = null,
            logs: logs);
        using var errors = new MetricCollector<long>(server.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "Notify.WebSocket", "notify.websocket.socketio.protocol.errors");
        await using var alice = await NodeSocketIoClient.ConnectAsync(server.SocketIoUrl, TestTokens.For("alice", "1"), transports: "websocket");
        await using var bob = await NodeSocketIoClient.ConnectAsync(server.SocketIoUrl, TestTokens.For("bob", "1"), transports: "polling");
        var provider = await server.ProviderAsync("1");
        using var stop = new CancellationTokenSource();
        var sent = 0;
        var sender = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref sent);
                await provider.SendToUserAsync("alice", new NotificationContent { Subject = "n" + n });
                await provider.SendToUserAsync("bob", new NotificationContent { Subject = "n" + n });
                await Task.Delay(5);
            }
        });

        var clock = Stopwatch.StartNew();
        var next = -1;
        var outcomes = await Task.WhenAll(Enumerable.Range(0, Attackers).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            using var raw = new RawEngineIo(server.BaseAddress, "/socket.io");
            var closed = 0;
            int i;
            while ((i = Interlocked.Increment(ref next)) < Inputs)
            {
                closed += await AttackAsync(raw, random, i) ? 1 : 0;
            }

            return closed;
        })));
        clock.Stop();
        await stop.CancelAsync();
        await sender;

        // Every notification sent during the flood reaches both well-behaved clients, in order.
        var last = "n" + Volatile.Read(ref sent);
        await alice.NotificationAsync(last);
        await bob.NotificationAsync(last);
        var warnings = logs.Lines.Count(l => l.Contains(" 3101:", StringComparison.Ordinal));
        output.WriteLine($"{Inputs} malformed inputs in {clock.ElapsedMilliseconds} ms by {Attackers} connections at a time; {sent} notifications meanwhile; {warnings} protocol-error log line(s)");

        Assert.Equal(Inputs, outcomes.Sum());
        foreach (var client in new[] { alice, bob })
        {
            var subjects = client.NotificationSubjects();
            Assert.Equal(Enumerable.Range(1, subjects.Count).Select(n => "n" + n), subjects);
        }

        Assert.True(errors.GetMeasurementSnapshot().Sum(m => m.Value) >= Inputs - Inputs / 10, "most offenders are counted as protocol errors (unknown namespaces are answered, not errors)");
        Assert.InRange(warnings, 1, 2 + (int)(clock.Elapsed.TotalSeconds / 10));
        await using var fresh = await NodeSocketIoClient.ConnectAsync(server.SocketIoUrl, TestTokens.For("carol", "1"));
    }

    /// <summary>One offending connection; true when the server refused or closed it as the protocol says.</summary>
    private static async Task<bool> AttackAsync(RawEngineIo raw, Random random, int i)
    {
        switch (i % 5)
        {
            case 0:
                return await PollingAsync(raw, random, i);
            default:
                return await WebSocketAsync(raw, random, i);
        }
    }

    private static async Task<bool> WebSocketAsync(RawEngineIo raw, Random random, int i)
    {
        var (socket, _) = await raw.OpenWebSocketAsync();
        using var _s = socket;
        string? sentText = null;
        if (i % 2 == 0)
        {
            // Half the offenders are signed-in users, connected to the gateway's namespace when they misbehave.
            await RawEngineIo.SendTextAsync(socket, "40{\"token\":\"" + Token + "\"}");
            Assert.StartsWith("40{", await RawEngineIo.ReceiveTextAsync(socket, skipPings: true));
        }

        switch ((i / 5) % 6)
        {
            case 0:
                var bytes = new byte[random.Next(1, 64)];
                random.NextBytes(bytes);
                bytes[0] = (byte)random.Next(0x80, 0x100); // never a valid packet type
                // Text: not a packet type (or not UTF-8 at all); binary: an attachment no packet announced.
                await socket.SendAsync(bytes, random.Next(2) == 0 ? WebSocketMessageType.Binary : WebSocketMessageType.Text, true, CancellationToken.None);
                break;
            case 1:
                sentText = Crafted[random.Next(Crafted.Length)] is { Length: > 0 } c && c != "2" && c != "0" ? c : "4abc";
                await RawEngineIo.SendTextAsync(socket, sentText);
                break;
            case 2:
                await RawEngineIo.SendTextAsync(socket, "45" + random.Next(11, int.MaxValue) + "-[\"x\"]");
                break;
            case 3:
                await RawEngineIo.SendTextAsync(socket, "4" + new string('x', MaxBuffer + 1));
                break;
            case 4:
                // A placeholder pointing past the attachments.
                await RawEngineIo.SendTextAsync(socket, "451-[\"x\",{\"_placeholder\":true,\"num\":" + random.Next(1, 100) + "}]");
                await RawEngineIo.SendBinaryAsync(socket, [1]);
                break;
            default:
                await RawEngineIo.SendTextAsync(socket, "451-[\"x\",{\"_placeholder\":true,\"num\":0}]");
                await RawEngineIo.SendTextAsync(socket, "42[\"text where an attachment is due\"]");
                break;
        }

        try
        {
            await RawEngineIo.ClosedAsync(socket);
        }
        catch (OperationCanceledException)
        {
            throw new InvalidOperationException($"Input {i} (case {(i / 5) % 6}, connected: {i % 2 == 0}, text: {sentText}) did not close the connection.");
        }

        return true;
    }

    private static async Task<bool> PollingAsync(RawEngineIo raw, Random random, int i)
    {
        var sid = await raw.OpenPollingAsync();
        string body;
        switch ((i / 5) % 5)
        {
            case 0:
                var bytes = new byte[random.Next(1, 64)];
                random.NextBytes(bytes);
                bytes[0] = (byte)random.Next(0x80, 0x100);
                body = Encoding.Latin1.GetString(bytes);
                break;
            case 1:
                body = "b!!not-base64!!";
                break;
            case 2:
                body = "4" + new string('x', MaxBuffer + 1);
                break;
            case 3:
                body = "3\u001e" + Crafted[random.Next(Crafted.Length)] + "x\u001e9";
                break;
            default:
                body = "40\u001e4" + Crafted[random.Next(1, Crafted.Length)] + "\u001eq";
                break;
        }

        var (status, _) = await raw.PostAsync(sid, body);
        var after = await raw.PollAsync(sid);
        return status is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge && after.Status == HttpStatusCode.BadRequest;
    }
}

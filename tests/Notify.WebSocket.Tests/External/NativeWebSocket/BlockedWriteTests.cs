using System.Security.Cryptography;
using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.External.NativeWebSocket;

/// <summary>
/// Frames are written with no cancellation token (the runtime's direct send path): a write blocked on a peer that stopped
/// reading must still end when the provider is disposed, and every send must come back rather than hang.
/// </summary>
public sealed class BlockedWriteTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Dispose_WithAWriteBlockedOnAPeerThatStoppedReading_EndsPromptly_AndEverySendComesBack()
    {
        await using var server = await NodePeer.StartAsync("ws-server.mjs");
        var harness = ExternalHarness.Create(server.WsUrl(), """ "heartbeatInterval": 0, "enableCompression": false """);
        var provider = await harness.ConnectedAsync();
        await server.PostAsync("/freeze");

        // 64 MiB of random text: far more than the loopback socket buffers hold, so the writer blocks on the socket.
        var sends = Enumerable.Range(0, 64)
            .Select(_ => provider.SendToUserAsync("u", new NotificationContent { Body = Convert.ToBase64String(RandomNumberGenerator.GetBytes(768 * 1024)) }, Ct).AsTask())
            .ToList();
        await Eventually.TrueAsync(() => sends.Any(s => s.IsCompleted), "the first sends were written before the buffers filled");
        Assert.Contains(sends, s => !s.IsCompleted);

        await harness.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15), Ct);

        var results = await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(15), Ct);
        Assert.Contains(results, r => r.Success);
        Assert.Contains(results, r => !r.Success);
    }
}

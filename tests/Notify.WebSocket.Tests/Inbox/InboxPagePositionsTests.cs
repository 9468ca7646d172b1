namespace Notify.WebSocket.Tests.Inbox;

/// <summary>A page's positions are read in the same snapshot as its items: connecting with them replays nothing the page holds.</summary>
public sealed class InboxPagePositionsTests
{
    [Fact]
    public async Task PagesListedWhileSendsCommit_NeverHoldAnItemNewerThanTheirPositions()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await InboxHost.StartAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sent = 0;
        var sender = Task.Run(
            async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => host.SendAsync("alice", "n")));
                    Interlocked.Add(ref sent, 8);
                }
            },
            ct);

        var checkedPages = 0;
        var newer = new List<string>();
        // Until both have done their share, however the two cores are shared out (other test classes run beside it).
        while (checkedPages < 300 || Volatile.Read(ref sent) < 400)
        {
            var page = await host.Inbox.ListAsync("1", "alice", new InboxQuery { Limit = 5 }, ct);
            if (page.Items.Count == 0)
            {
                continue;
            }

            foreach (var item in page.Items)
            {
                var stream = item.Notification.Stream!;
                if (!page.Positions.TryGetValue(stream, out var position) || item.Notification.Position > position)
                {
                    newer.Add($"{stream} item {item.Notification.Position}, positions {(page.Positions.TryGetValue(stream, out var p) ? p : -1)}");
                }
            }

            checkedPages++;
        }

        await stop.CancelAsync();
        await sender;

        Assert.Empty(newer);
    }
}

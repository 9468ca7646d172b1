using System.Threading.Channels;

namespace Notify.WebSocket.Tests.Inbox;

/// <summary>Reads what an in-process connection receives, with a deadline.</summary>
internal static class Reading
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static async Task<T> NextAsync<T>(this ChannelReader<T> reader)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(Timeout);
        return await reader.ReadAsync(deadline.Token);
    }

    public static async Task<List<T>> NextAsync<T>(this ChannelReader<T> reader, int count)
    {
        var read = new List<T>(count);
        while (read.Count < count)
        {
            read.Add(await reader.NextAsync());
        }

        return read;
    }
}

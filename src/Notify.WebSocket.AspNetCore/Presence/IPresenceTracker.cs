namespace Notify.WebSocket.AspNetCore.Presence;

/// <summary>Counts the connections in each gateway group (a user's devices, a channel's members).</summary>
internal interface IPresenceTracker
{
    ValueTask AddAsync(string group, CancellationToken cancellationToken);

    ValueTask RemoveAsync(string group, CancellationToken cancellationToken);

    ValueTask<int> CountAsync(string group, CancellationToken cancellationToken);
}

using Notify.WebSocket.AspNetCore.Identity;

namespace Notify.WebSocket.AspNetCore.Hubs;

/// <summary>What the gateway keeps per connection (in <c>HubCallerContext.Items</c>): who it is and which channels it is in.</summary>
internal sealed class ConnectionState(ConnectionIdentity identity)
{
    public ConnectionIdentity Identity { get; } = identity;

    public HashSet<string> Channels { get; } = new(StringComparer.Ordinal);

    public Lock Gate { get; } = new();

    public bool Closed { get; set; }
}

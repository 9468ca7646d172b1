using Notify.WebSocket.AspNetCore.Gateway;

namespace Notify.WebSocket.AspNetCore.Inbox;

/// <summary>
/// Stream ids as clients give them (positions at connect, <c>inbox:read</c> through a position): a channel's name is
/// taken in NFC, as channels are joined and sent to, so a client that composes the id itself from the name it joined
/// names the same stream.
/// </summary>
internal static class ClientStreamIds
{
    public static bool TryParse(string? value, out NotificationStreamId stream)
    {
        if (!NotificationStreamId.TryParse(value, out stream))
        {
            return false;
        }

        if (stream.Kind == NotificationStreamKind.Channel)
        {
            try
            {
                stream = NotificationStreamId.ForChannel(stream.TenantId, ChannelNames.Normalize(stream.Name));
            }
            catch (ArgumentException)
            {
                // Not well-formed text (a lone surrogate): no channel has that name.
                return false;
            }
        }

        return true;
    }
}

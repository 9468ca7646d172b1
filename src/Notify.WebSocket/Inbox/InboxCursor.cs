using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Notify.WebSocket.Inbox;

/// <summary>
/// Where an inbox page ends, as the next page's starting point: the last entry's creation time, stream and position
/// (the page order), carried as opaque base64url text.
/// </summary>
internal readonly record struct InboxCursor(long CreatedAt, string Stream, long Position)
{
    /// <summary>Reads a cursor this store made.</summary>
    /// <exception cref="ArgumentException">The text is not one.</exception>
    public static InboxCursor Parse(string text)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text)).Split('|', 3);
            if (parts.Length == 3
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var createdAt)
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var position)
                && parts[2].Length > 0)
            {
                return new InboxCursor(createdAt, parts[2], position);
            }
        }
        catch (FormatException)
        {
        }

        throw new ArgumentException("The inbox cursor is not one this inbox gave out; pass the nextCursor of the previous page unchanged.", nameof(text));
    }

    public override string ToString() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{CreatedAt}|{Position}|{Stream}")));
}

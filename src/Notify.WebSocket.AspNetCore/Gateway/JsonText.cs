using System.Text.Json;

namespace Notify.WebSocket.AspNetCore.Gateway;

/// <summary>
/// Text from client JSON. JSON may escape a lone surrogate (<c>"\ud800"</c>), which is well-formed JSON but no string:
/// <see cref="JsonElement.GetString"/> and <see cref="JsonProperty.Name"/> throw on it, so every read of a client's
/// string goes through here and such a value is malformed input, answered like any other.
/// </summary>
internal static class JsonText
{
    /// <summary>The string value, or false when the element is not a string or not text.</summary>
    public static bool TryGetString(JsonElement element, out string text)
    {
        text = string.Empty;
        if (element.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        try
        {
            text = element.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The property's name, or false when it is not text.</summary>
    public static bool TryGetName(JsonProperty property, out string name)
    {
        try
        {
            name = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            name = string.Empty;
            return false;
        }
    }
}

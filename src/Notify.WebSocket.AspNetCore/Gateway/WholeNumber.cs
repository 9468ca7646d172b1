using System.Globalization;

namespace Notify.WebSocket.AspNetCore.Gateway;

/// <summary>
/// A whole number in an argument bound as <see cref="object"/>: MessagePack hands it over as the smallest integer type
/// that holds it, so a position of 5 arrives as a <see cref="byte"/> and one of 70,000 as a <see cref="uint"/>.
/// </summary>
internal static class WholeNumber
{
    public static bool TryRead(object? value, out long number)
    {
        switch (value)
        {
            case long l:
                number = l;
                return true;
            case int or uint or short or ushort or sbyte or byte:
                number = Convert.ToInt64(value, CultureInfo.InvariantCulture);
                return true;
            case ulong u when u <= long.MaxValue:
                number = (long)u;
                return true;
            default:
                number = 0;
                return false;
        }
    }
}

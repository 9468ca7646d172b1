using System.Globalization;
using System.Text;

namespace Notify.WebSocket.AspNetCore.Gateway;

/// <summary>
/// The one rule for channel names, whatever transport a request came on (the SignalR hub, later Socket.IO) and on
/// the sending side too, so a name a client joined is the name a send reaches. A name is normalized to NFC and
/// accepted when it is 1 to <c>maxLength</c> Unicode characters long and holds none of: control characters (Cc),
/// format characters (Cf: bidi overrides and isolates, zero-width space/joiners, soft hyphen, BOM), surrogates (Cs),
/// private-use (Co) or unassigned (Cn) code points, separators (Zs including the ASCII space, Zl, Zp), other
/// default-ignorable (invisible) code points (variation selectors, Hangul fillers, the combining grapheme joiner), and
/// does not start with a combining mark. Everything else (letters and digits of any script, punctuation such as
/// <c>. - _ : / #</c>, symbols, emoji without variation selectors) is allowed. Names compare ordinally after NFC.
/// </summary>
internal static class ChannelNames
{
    /// <summary>
    /// Checks <paramref name="name"/> and gives its normalized form.
    /// </summary>
    /// <param name="name">The name as received.</param>
    /// <param name="maxLength">The longest name accepted, in Unicode characters (scalar values).</param>
    /// <param name="normalized">The NFC form when the name is accepted.</param>
    /// <returns><see cref="ChannelNameProblem.None"/>, or why the name is refused.</returns>
    public static ChannelNameProblem Check(string? name, int maxLength, out string normalized)
    {
        normalized = string.Empty;
        if (string.IsNullOrEmpty(name))
        {
            return ChannelNameProblem.Empty;
        }

        if (Ascii.IsValid(name))
        {
            // The common case: ASCII is already NFC and its only forbidden characters are controls and the space.
            if (name.Length > maxLength)
            {
                return ChannelNameProblem.TooLong;
            }

            foreach (var c in name)
            {
                if (c <= ' ' || c == '\u007F')
                {
                    return ChannelNameProblem.ForbiddenCharacter;
                }
            }

            normalized = name;
            return ChannelNameProblem.None;
        }

        if (name.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF') && !IsWellFormed(name))
        {
            return ChannelNameProblem.Malformed;
        }

        // NFC changes a length at most threefold either way: anything far longer is refused before normalizing.
        if (name.Length > 4L * maxLength)
        {
            return ChannelNameProblem.TooLong;
        }

        var text = name.IsNormalized(NormalizationForm.FormC) ? name : name.Normalize(NormalizationForm.FormC);
        var count = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (++count > maxLength)
            {
                return ChannelNameProblem.TooLong;
            }

            if (IsForbidden(rune) || (count == 1 && IsCombiningMark(rune)))
            {
                return ChannelNameProblem.ForbiddenCharacter;
            }
        }

        normalized = text;
        return ChannelNameProblem.None;
    }

    /// <summary>
    /// The NFC form of a name given by the host (a send's channel, a tenant's <c>defaultChannels</c>): trusted input,
    /// normalized so that it meets the names clients joined, but not refused.
    /// </summary>
    /// <param name="name">The name.</param>
    /// <returns>Its NFC form.</returns>
    /// <exception cref="ArgumentException">The name is not well-formed UTF-16.</exception>
    public static string Normalize(string name) =>
        Ascii.IsValid(name) || name.IsNormalized(NormalizationForm.FormC) ? name : name.Normalize(NormalizationForm.FormC);

    /// <summary>The sentence a client gets for a refused name (never echoing the name itself).</summary>
    /// <param name="problem">Why it was refused.</param>
    /// <param name="maxLength">The configured limit.</param>
    /// <returns>The message.</returns>
    public static string Describe(ChannelNameProblem problem, int maxLength) => problem switch
    {
        ChannelNameProblem.Malformed => "Invalid request: channelName is not well-formed text (it holds a lone surrogate).",
        ChannelNameProblem.Empty => "Invalid channel name: it is empty.",
        ChannelNameProblem.TooLong => $"Invalid channel name: it is longer than {maxLength} characters.",
        ChannelNameProblem.ForbiddenCharacter =>
            "Invalid channel name: it holds a control, format (bidi, zero-width), separator (space, line break) or other invisible character, or starts with a combining mark.",
        _ => string.Empty,
    };

    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsForbidden(Rune rune) =>
        Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator => true,
            _ => IsOtherDefaultIgnorable(rune.Value),
        };

    /// <summary>Default_Ignorable_Code_Point (Unicode DerivedCoreProperties) outside the categories refused above: these render as nothing.</summary>
    private static bool IsOtherDefaultIgnorable(int c) =>
        c is 0x034F or 0x115F or 0x1160 or 0x17B4 or 0x17B5 or (>= 0x180B and <= 0x180F) or 0x3164 or (>= 0xFE00 and <= 0xFE0F) or 0xFFA0
            or (>= 0xE0100 and <= 0xE01EF);

    private static bool IsCombiningMark(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
}

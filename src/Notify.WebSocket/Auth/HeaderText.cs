namespace Notify.WebSocket.Auth;

/// <summary>
/// What an HTTP request header can carry (RFC 9110): checked when the configuration is validated, since a header the
/// client library refuses fails every connection attempt, on Socket.IO as a bare connect timeout that names no cause.
/// </summary>
internal static class HeaderText
{
    private const string NameSymbols = "!#$%&'*+-.^_`|~";

    /// <summary>A header name: a token of visible ASCII letters, digits and <c>!#$%&amp;'*+-.^_`|~</c>.</summary>
    public static bool IsName(string name) =>
        name.Length > 0 && name.All(static c => char.IsAsciiLetterOrDigit(c) || NameSymbols.Contains(c, StringComparison.Ordinal));

    /// <summary>A header value the client sends as given: visible ASCII, spaces and tabs; no line break or control character.</summary>
    public static bool IsValue(string value) => value.All(static c => c is '\t' or (>= ' ' and <= '~'));

    /// <summary>A name as an error message may show it: control characters escaped, so a message is one line.</summary>
    public static string Shown(string name) =>
        string.Concat(name.Select(static c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}

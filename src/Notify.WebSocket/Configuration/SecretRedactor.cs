namespace Notify.WebSocket;

/// <summary>Masks secrets before anything reaches a log, an exception or <c>ToString()</c>.</summary>
internal static class SecretRedactor
{
    public const string Masked = "***";

    public static string Mask(string? secret) => string.IsNullOrEmpty(secret) ? "(none)" : Masked;

    public static string MaskValues(IDictionary<string, string> values) =>
        values.Count == 0 ? "{}" : "{ " + string.Join(", ", values.Keys.Select(k => k + " = " + Masked)) + " }";

    /// <summary>Keeps scheme, host, port and path; drops user info and the query string, which may carry credentials.</summary>
    public static string RedactUrl(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return "(none)";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return "(invalid url)";
        }

        // Only schemes whose query string .NET parses as such keep their path; for the rest '?' is part of the path.
        var authority = uri.IsDefaultPort ? uri.Host : uri.Host + ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return uri.Scheme is "ws" or "wss" or "http" or "https"
            ? uri.Scheme + "://" + authority + uri.AbsolutePath
            : uri.Scheme + "://" + authority;
    }
}

namespace Notify.WebSocket;

/// <summary>The built-in <c>authType</c> values.</summary>
public static class AuthTypes
{
    /// <summary>No credentials.</summary>
    public const string None = "none";

    /// <summary><c>Authorization: Bearer &lt;authToken&gt;</c> (and, for Socket.IO, <c>auth: { token }</c>).</summary>
    public const string Bearer = "bearer";

    /// <summary><c>Authorization: Basic base64(username:password)</c>.</summary>
    public const string Basic = "basic";

    /// <summary><c>authQuery</c> appended to the url's query string.</summary>
    public const string Query = "query";

    /// <summary><c>authHeaders</c> sent as given.</summary>
    public const string Custom = "custom";
}

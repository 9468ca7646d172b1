using System.Data.Common;
using System.Text.RegularExpressions;

namespace Notify.WebSocket.Handling.Database;

/// <summary>
/// Checks a configured connection string with its ADO.NET provider's own parser at start, so a malformed one is reported
/// by its key path rather than by the provider's exception at first use. Never repeats a password.
/// </summary>
internal static partial class ConnectionStrings
{
    /// <summary>Why the provider refuses the connection string, or null when it takes it (or cannot say).</summary>
    public static string? Problem(DbProviderFactory factory, string connectionString)
    {
        if (factory.CreateConnectionStringBuilder() is not { } builder)
        {
            return null;
        }

        try
        {
            builder.ConnectionString = connectionString;
            return null;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or NotSupportedException or KeyNotFoundException)
        {
            // The provider's message names the key or value it choked on; a password it might quote is left out.
            var message = ex.Message;
            var showsSecret = Secrets().Matches(connectionString)
                .Select(m => m.Groups["value"].Value.Trim().Trim('"', '\''))
                .Any(value => value.Length > 0 && message.Contains(value, StringComparison.Ordinal));
            return "its ADO.NET provider refuses it" + (showsSecret ? string.Empty : $" ({message})");
        }
    }

    [GeneratedRegex("""(?:^|;)\s*(?:password|pwd)\s*=(?<value>"[^"]*"?|'[^']*'?|[^;]*)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Secrets();
}

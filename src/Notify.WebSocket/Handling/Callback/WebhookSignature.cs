using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Notify.WebSocket;

/// <summary>
/// Signs and verifies webhooks: <c>X-Signature: sha256=hex(HMAC-SHA256(secret, "{timestamp}." + body))</c> with the
/// Unix-seconds timestamp in <c>X-Signature-Timestamp</c>. Verification compares in constant time and refuses a
/// timestamp outside the tolerance (replays).
/// </summary>
public static class WebhookSignature
{
    /// <summary>The prefix of the signature header value.</summary>
    public const string Scheme = "sha256=";

    /// <summary>How far a timestamp may be from the receiver's clock by default: 5 minutes.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>The signature header value for <paramref name="body"/> sent at <paramref name="timestamp"/>.</summary>
    /// <param name="secret">The shared secret (<c>messageHandling:callbackSecret</c>).</param>
    /// <param name="timestamp">Unix seconds, as sent in <see cref="WebhookHeaders.Timestamp"/>.</param>
    /// <param name="body">The raw request body.</param>
    /// <returns><c>sha256=</c> followed by 64 lowercase hex digits.</returns>
    /// <exception cref="ArgumentException"><paramref name="secret"/> is null or empty.</exception>
    public static string Compute(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        Span<byte> mac = stackalloc byte[32];
        Mac(secret, timestamp, body, mac);
        return Scheme + Convert.ToHexStringLower(mac);
    }

    /// <summary>Checks a received webhook: the signature matches the body and the timestamp is recent.</summary>
    /// <param name="secret">The shared secret.</param>
    /// <param name="signature">The <see cref="WebhookHeaders.Signature"/> header value.</param>
    /// <param name="timestamp">The <see cref="WebhookHeaders.Timestamp"/> header value.</param>
    /// <param name="body">The raw request body, exactly as received.</param>
    /// <param name="now">The receiver's current time (for example <c>TimeProvider.System.GetUtcNow()</c>).</param>
    /// <param name="tolerance">How far the timestamp may be from <paramref name="now"/>; default <see cref="DefaultTolerance"/>.</param>
    /// <returns>True only when both headers are present and well-formed, the timestamp is within the tolerance and the signature matches.</returns>
    /// <exception cref="ArgumentException"><paramref name="secret"/> is null or empty.</exception>
    public static bool Verify(string secret, string? signature, string? timestamp, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan? tolerance = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (signature is null || timestamp is null
            || !signature.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        var age = now - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253_402_300_799));
        if (age.Duration() > (tolerance ?? DefaultTolerance))
        {
            return false;
        }

        Span<byte> received = stackalloc byte[32];
        var hex = signature.AsSpan(Scheme.Length);
        if (hex.Length != 64 || Convert.FromHexString(hex, received, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[32];
        Mac(secret, seconds, body, expected);
        return CryptographicOperations.FixedTimeEquals(expected, received);
    }

    private static void Mac(string secret, long timestamp, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.ASCII.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "."));
        hmac.AppendData(body);
        hmac.GetHashAndReset(destination);
    }
}

using System.Text;

namespace Notify.WebSocket.Handling.Tests;

public sealed class WebhookSignatureTests
{
    private const string Secret = "s3cr3t-webhook-key";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"event":"message:received","data":{"a":1}}""");
    private static readonly DateTimeOffset Now = new(2025, 1, 8, 19, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Verify_SignatureComputedForTheSameBodyAndTimestamp_IsTrue()
    {
        var ts = Now.ToUnixTimeSeconds();
        var signature = WebhookSignature.Compute(Secret, ts, Body);

        Assert.StartsWith("sha256=", signature, StringComparison.Ordinal);
        Assert.Equal(71, signature.Length);
        Assert.True(WebhookSignature.Verify(Secret, signature, ts.ToString(System.Globalization.CultureInfo.InvariantCulture), Body, Now.AddSeconds(30)));
    }

    [Fact]
    public void Verify_TamperedBodyWrongSecretOrReplayedTimestamp_IsFalse()
    {
        var ts = Now.ToUnixTimeSeconds();
        var header = ts.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = WebhookSignature.Compute(Secret, ts, Body);
        var tampered = (byte[])Body.Clone();
        tampered[^2] = (byte)'2';

        Assert.False(WebhookSignature.Verify(Secret, signature, header, tampered, Now));
        Assert.False(WebhookSignature.Verify("another-secret", signature, header, Body, Now));
        Assert.False(WebhookSignature.Verify(Secret, signature, header, Body, Now.AddMinutes(6)), "outside the default 5 minute tolerance");
        Assert.True(WebhookSignature.Verify(Secret, signature, header, Body, Now.AddMinutes(6), TimeSpan.FromMinutes(10)));
        Assert.False(WebhookSignature.Verify(Secret, signature, (ts + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Body, Now), "the timestamp is signed");
    }

    [Theory]
    [InlineData(null, "1736362800")]
    [InlineData("sha256=abc", null)]
    [InlineData("sha256=zz", "1736362800")]
    [InlineData("md5=00", "1736362800")]
    [InlineData("sha256=0000000000000000000000000000000000000000000000000000000000000000", "not-a-number")]
    public void Verify_MissingOrMalformedHeaders_IsFalse(string? signature, string? timestamp) =>
        Assert.False(WebhookSignature.Verify(Secret, signature, timestamp, Body, Now));
}

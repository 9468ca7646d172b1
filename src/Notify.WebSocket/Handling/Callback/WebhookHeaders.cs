namespace Notify.WebSocket;

/// <summary>The headers of a webhook the callback strategy sends.</summary>
public static class WebhookHeaders
{
    /// <summary><c>X-Signature</c>: <c>sha256=&lt;hex HMAC-SHA256 of "{timestamp}.{body}"&gt;</c>, when <c>callbackSecret</c> is set.</summary>
    public const string Signature = "X-Signature";

    /// <summary><c>X-Signature-Timestamp</c>: Unix seconds when the request was signed; part of the signed content.</summary>
    public const string Timestamp = "X-Signature-Timestamp";

    /// <summary><c>X-Message-Id</c>: the incoming message's id. Delivery is at least once: deduplicate by it.</summary>
    public const string MessageId = "X-Message-Id";
}

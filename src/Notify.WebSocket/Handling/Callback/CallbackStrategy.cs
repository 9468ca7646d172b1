using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Notify.WebSocket.Diagnostics;

namespace Notify.WebSocket.Handling.Callback;

/// <summary>
/// The spec's callback strategy: one POST of the webhook payload per attempt, through <see cref="IHttpClientFactory"/>,
/// signed when <c>callbackSecret</c> is set. 5xx, 408, 429, timeouts and network errors are retryable (the pipeline
/// retries with backoff); any other 4xx is a permanent refusal.
/// </summary>
internal sealed class CallbackStrategy(IHttpClientFactory httpClients, TimeProvider time, ILogger<CallbackStrategy> logger) : IMessageHandlingStrategy<MessageHandlingOptions>
{
    private static readonly MediaTypeHeaderValue Json = new(WebhookPayload.ContentType);

    /// <summary>Open requests per callback url: the pipeline's own bound is a memory bound, far above what a webhook should take.</summary>
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _openRequests = new(StringComparer.Ordinal);

    /// <summary>With <c>all</c>: when <c>callbackUrl</c> is set.</summary>
    public bool TakesPartInAll(MessageHandlingOptions options) => options.CallbackUrl is not null;

    public async ValueTask HandleAsync(IncomingMessage message, MessageHandlingOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(options);
        var handling = options;
        if (!Uri.TryCreate(handling.CallbackUrl, UriKind.Absolute, out var url))
        {
            throw new WebSocketNotificationException(WebSocketErrorCodes.NotConfigured, "messageHandling:callbackUrl is not set.", retryable: false);
        }

        var body = WebhookPayload.Serialize(message);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = Json;
        request.Headers.Add(WebhookHeaders.MessageId, message.Id);
        if (!string.IsNullOrEmpty(handling.CallbackSecret))
        {
            var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
            request.Headers.Add(WebhookHeaders.Timestamp, timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add(WebhookHeaders.Signature, WebhookSignature.Compute(handling.CallbackSecret, timestamp, body));
        }

        var open = _openRequests.GetOrAdd(url.AbsoluteUri, static (_, limit) => new SemaphoreSlim(Math.Max(1, limit)), handling.CallbackMaxConcurrency);
        await open.WaitAsync(cancellationToken).ConfigureAwait(false);
        HttpResponseMessage response;
        try
        {
            response = await SendAsync(request, url, handling, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            open.Release();
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            Log.WebhookAnswered(logger, message.Id, status);
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            var retryable = status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
            throw new WebSocketNotificationException(
                WebSocketErrorCodes.Error,
                $"The webhook {Redacted(url)} answered {status} {response.ReasonPhrase}" + (retryable ? "; retrying later." : "; not retrying (a client error)."),
                retryable);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, Uri url, MessageHandlingOptions handling, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(handling.CallbackTimeout), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            return await httpClients.CreateClient(MessageHandlingDefaults.CallbackHttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new WebSocketNotificationException(WebSocketErrorCodes.Timeout, $"The webhook {Redacted(url)} did not answer within {handling.CallbackTimeout} ms.", retryable: true, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new WebSocketNotificationException(WebSocketErrorCodes.ConnectionError, $"The webhook {Redacted(url)} is unreachable: {ex.HttpRequestError}.", retryable: true, ex);
        }
    }

    private static string Redacted(Uri url) => SecretRedactor.RedactUrl(url.OriginalString);
}

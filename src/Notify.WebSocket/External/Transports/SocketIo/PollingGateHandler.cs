namespace Notify.WebSocket.External.Transports.SocketIo;

/// <summary>
/// The polling counterpart of <see cref="GatedClientWebSocket"/>: SocketIOClient processes a poll response right
/// after receiving it and then issues the next poll, so the gate is taken when a poll response is handed over and
/// given back when the next poll starts. Only polls of an open session (<c>sid=</c>) are gated; the handshake and
/// the upgrade probe carry no acknowledgments. A 401 or 403 answer is reported to <c>refused</c>.
/// </summary>
internal sealed class PollingGateHandler(FrameGate gate, ActivityMonitor activity, Action<int> refused, CancellationToken abandoned) : DelegatingHandler
{
    private int _holding;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var isPoll = request.Method == HttpMethod.Get && request.RequestUri?.Query.Contains("sid=", StringComparison.Ordinal) == true;
        if (isPoll && Interlocked.Exchange(ref _holding, 0) == 1)
        {
            gate.Exit();
        }

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden)
        {
            // The server (or a proxy in front of it) refused the credentials at the HTTP level.
            refused((int)response.StatusCode);
        }

        if (request.Method == HttpMethod.Get)
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            activity.Observe(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        }

        if (isPoll)
        {
            await gate.EnterAsync(abandoned).ConfigureAwait(false);
            Interlocked.Exchange(ref _holding, 1);
        }

        return response;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _holding, 0) == 1)
        {
            gate.Exit();
        }

        base.Dispose(disposing);
    }
}

using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Notify.WebSocket.AspNetCore.Diagnostics;

namespace Notify.WebSocket.AspNetCore.SocketIo;

/// <summary>
/// What the Socket.IO endpoint reports about the wire: malformed input and dropped clients are counted
/// (<c>notify.websocket.socketio.protocol.errors</c>, tagged with the reason) and logged at most once per interval with
/// the number not logged, so a flood of garbage costs one line per interval. Never logs the offending bytes.
/// </summary>
internal sealed class SocketIoDiagnostics
{
    private readonly ILogger _logger;
    private readonly LogThrottle _throttle;
    private readonly Counter<long>? _errors;
    private readonly UpDownCounter<long>? _sessions;

    public SocketIoDiagnostics(ILogger logger, TimeProvider timeProvider, TimeSpan logInterval, IMeterFactory? meterFactory)
    {
        _logger = logger;
        _throttle = new LogThrottle(timeProvider, logInterval);
        if (meterFactory is not null)
        {
            var meter = meterFactory.Create(GatewayMetrics.MeterName);
            _errors = meter.CreateCounter<long>("notify.websocket.socketio.protocol.errors", "{error}", "Malformed Engine.IO/Socket.IO input and misbehaving clients; each closed or refused the offending session.");
            _sessions = meter.CreateUpDownCounter<long>("notify.websocket.socketio.sessions", "{session}", "Open Engine.IO sessions on this instance.");
        }
    }

    public static SocketIoDiagnostics None { get; } = new(NullLogger.Instance, TimeProvider.System, TimeSpan.FromSeconds(10), meterFactory: null);

    /// <summary>Counts and logs (throttled) a protocol error; the caller closes or refuses the session.</summary>
    /// <param name="reason">A fixed phrase (a bounded set: it is a metric tag), never client data.</param>
    /// <param name="sessionId">The Engine.IO session, when there is one.</param>
    public void ProtocolError(string reason, string? sessionId)
    {
        _errors?.Add(1, new KeyValuePair<string, object?>(GatewayMetrics.ReasonTag, reason));
        if (_throttle.TryEnter(out var suppressed))
        {
            Log.SocketIoProtocolError(_logger, reason, sessionId ?? "-", suppressed);
        }
    }

    public void SessionOpened() => _sessions?.Add(1);

    public void SessionClosed() => _sessions?.Add(-1);

    public void HandlerFailed(Exception exception, string sessionId) => Log.SocketIoHandlerFailed(_logger, exception, sessionId);
}

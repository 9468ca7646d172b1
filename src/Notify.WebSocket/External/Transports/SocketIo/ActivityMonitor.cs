using System.Text.Json;

namespace Notify.WebSocket.External.Transports.SocketIo;

/// <summary>
/// Health monitoring for Socket.IO: an Engine.IO v4 server pings every <c>pingInterval</c>, so a connection that has
/// received nothing for <c>pingInterval + pingTimeout</c> (announced in the open packet) is dead. Until the open
/// packet arrives, <c>heartbeatInterval + heartbeatTimeout</c> is the deadline.
/// </summary>
internal sealed class ActivityMonitor(TimeProvider timeProvider, TimeSpan fallbackDeadline)
{
    private long _lastActivity = timeProvider.GetTimestamp();
    private long _deadlineTicks = fallbackDeadline.Ticks;

    public TimeSpan Deadline => TimeSpan.FromTicks(Interlocked.Read(ref _deadlineTicks));

    public TimeSpan SinceLastActivity => timeProvider.GetElapsedTime(Interlocked.Read(ref _lastActivity));

    public void Touch() => Interlocked.Exchange(ref _lastActivity, timeProvider.GetTimestamp());

    /// <summary>Records activity, and reads the heartbeat settings from an Engine.IO open packet (<c>0{"pingInterval":…}</c>).</summary>
    public void Observe(string frame)
    {
        Touch();
        if (frame.Length < 2 || frame[0] != '0' || frame[1] != '{')
        {
            return;
        }

        try
        {
            using var open = JsonDocument.Parse(frame.AsMemory(1));
            if (open.RootElement.TryGetProperty("pingInterval", out var interval) && interval.TryGetInt32(out var intervalMs)
                && open.RootElement.TryGetProperty("pingTimeout", out var timeout) && timeout.TryGetInt32(out var timeoutMs))
            {
                Interlocked.Exchange(ref _deadlineTicks, TimeSpan.FromMilliseconds(intervalMs + timeoutMs).Ticks);
            }
        }
        catch (JsonException)
        {
            // Not an open packet after all; the fallback deadline stays.
        }
    }
}

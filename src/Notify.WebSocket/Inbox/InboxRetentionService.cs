using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Notify.WebSocket.Diagnostics;

namespace Notify.WebSocket.Inbox;

/// <summary>
/// Enforces retention in the background: every <see cref="NotificationInboxOptions.RetentionInterval"/> it removes
/// notifications older than <see cref="NotificationInboxOptions.MaxAge"/> and those beyond
/// <see cref="NotificationInboxOptions.MaxPerStream"/> per stream, timed by the <see cref="TimeProvider"/>.
/// </summary>
internal sealed class InboxRetentionService(NotificationJournal journal, NotificationInboxOptions options, TimeProvider timeProvider, ILogger<InboxRetentionService> logger)
    : BackgroundService
{
    private readonly LogThrottle _failureLog = new(timeProvider, TimeSpan.FromMinutes(1));

    /// <summary>Runs retention once, now.</summary>
    /// <returns>How many notifications were removed.</returns>
    public async Task<long> TrimAsync(CancellationToken cancellationToken)
    {
        var removed = await journal.CallAsync(
            static (store, a, ct) => store.TrimAsync(a.now - a.options.MaxAge, a.options.MaxPerStream, ct),
            (now: timeProvider.GetUtcNow(), options),
            "retention",
            cancellationToken).ConfigureAwait(false);
        if (removed > 0)
        {
            NotifyWebSocketTelemetry.InboxTrimmed.Add(removed);
            Log.InboxTrimmed(logger, removed);
        }

        return removed;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.RetentionInterval, timeProvider);
        try
        {
            // A store that can never work (tables of another layout) stops the host now, with the fix in the message.
            await journal.InitializeAtStartAsync(stoppingToken).ConfigureAwait(false);
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await TrimAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (WebSocketNotificationException ex)
                {
                    if (_failureLog.TryEnter(out var suppressed))
                    {
                        Log.InboxTrimFailed(logger, ex, options.RetentionInterval, suppressed);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

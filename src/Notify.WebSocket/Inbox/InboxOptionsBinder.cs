using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Notify.WebSocket.Inbox;

/// <summary>
/// Binds an inbox section onto <see cref="NotificationInboxOptions"/> by hand (no reflection: trim- and AOT-safe),
/// collecting every unknown key and every value that does not convert, by its full key path, for validation to report
/// all at once.
/// </summary>
internal static class InboxOptionsBinder
{
    private static readonly Dictionary<string, Func<NotificationInboxOptions, ConfiguredValue, string?>> Keys = new(StringComparer.OrdinalIgnoreCase)
    {
        ["databaseProvider"] = (o, v) => Text(v, t => o.DatabaseProvider = t),
        ["databasePath"] = (o, v) => Text(v, t => o.DatabasePath = t),
        ["connectionString"] = (o, v) => Text(v, t => o.ConnectionString = t),
        ["tablePrefix"] = (o, v) => Text(v, t => o.TablePrefix = t),
        ["maxAge"] = (o, v) => Duration(v, d => o.MaxAge = d, "30.00:00:00"),
        ["maxPerStream"] = (o, v) => Number(v, n => o.MaxPerStream = n, 1000),
        ["retentionInterval"] = (o, v) => Duration(v, d => o.RetentionInterval = d, "00:01:00"),
        ["maxBatchSize"] = (o, v) => Number(v, n => o.MaxBatchSize = n, 512),
        ["replayBatchSize"] = (o, v) => Number(v, n => o.ReplayBatchSize = n, 256),
        ["connectionBufferCapacity"] = (o, v) => Number(v, n => o.ConnectionBufferCapacity = n, 1024),
        ["rejoinChannelsOnConnect"] = (o, v) => Flag(v, f => o.RejoinChannelsOnConnect = f),
    };

    public static void Bind(IConfigurationSection section, NotificationInboxOptions options)
    {
        options.KeyPath = section.Path;
        foreach (var (key, value) in section.AsEnumerable(makePathsRelative: true).OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (value is null)
            {
                continue;
            }

            var path = ConfigurationPath.Combine(section.Path, key);
            var problem = Keys.TryGetValue(key, out var apply)
                ? apply(options, new ConfiguredValue(value, path))
                : $"{path} is not a known setting of the inbox; use {string.Join(", ", Keys.Keys)}.";
            if (problem is not null)
            {
                options.BindingErrors.Add(problem);
            }
        }
    }

    private static string? Text(ConfiguredValue value, Action<string> set)
    {
        set(value.Value);
        return null;
    }

    private static string? Number(ConfiguredValue value, Action<int> set, int example)
    {
        if (value.Value.Length == 0)
        {
            return null;
        }

        if (!int.TryParse(value.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{value.Path} is \"{value.Value}\", which is not a whole number; give one such as {example} (the default).");
        }

        set(number);
        return null;
    }

    private static string? Flag(ConfiguredValue value, Action<bool> set)
    {
        if (value.Value.Length == 0)
        {
            return null;
        }

        if (!bool.TryParse(value.Value, out var flag))
        {
            return $"{value.Path} is \"{value.Value}\", which is not true or false; give true (the default) or false.";
        }

        set(flag);
        return null;
    }

    private static string? Duration(ConfiguredValue value, Action<TimeSpan> set, string example)
    {
        if (value.Value.Length == 0)
        {
            return null;
        }

        if (!TimeSpan.TryParse(value.Value, CultureInfo.InvariantCulture, out var duration))
        {
            return $"{value.Path} is \"{value.Value}\", which is not a duration; write days.hours:minutes:seconds, such as \"{example}\" (the default).";
        }

        set(duration);
        return null;
    }
}

namespace Notify.WebSocket;

/// <summary>
/// Every configuration key of a provider section (the spec's JSON names, case-insensitive) and how its value lands on
/// <see cref="WebSocketProviderOptions"/>. Written out by hand instead of reflected, so binding is trim- and AOT-safe
/// and can go on after a bad value: every unknown key and every value that does not convert is reported by its full
/// key path, with the fix, in one pass.
/// </summary>
internal static class ProviderOptionsKeys
{
    private static readonly Dictionary<string, ConfigurationSetting> Scalars = new(StringComparer.OrdinalIgnoreCase)
    {
        ["providerType"] = ConfigurationSetting.Text((o, v) => o.ProviderType = v),
        ["channel"] = ConfigurationSetting.Text((o, v) => o.Channel = v),
        ["mode"] = ConfigurationSetting.Choice((o, v) => o.Mode = v, ("internal", WebSocketMode.Internal), ("external", WebSocketMode.External)),
        ["enabled"] = ConfigurationSetting.Flag((o, v) => o.Enabled = v),
        ["protocol"] = ConfigurationSetting.Choice((o, v) => o.Protocol = v, ("ws", WebSocketProtocol.Ws), ("socketio", WebSocketProtocol.SocketIo)),
        ["url"] = ConfigurationSetting.Text((o, v) => o.Url = v),
        ["authType"] = ConfigurationSetting.Text((o, v) => o.AuthType = v),
        ["authToken"] = ConfigurationSetting.Text((o, v) => o.AuthToken = v),
        ["username"] = ConfigurationSetting.Text((o, v) => o.Username = v),
        ["password"] = ConfigurationSetting.Text((o, v) => o.Password = v),
        ["reconnection"] = ConfigurationSetting.Flag((o, v) => o.Reconnection = v),
        ["reconnectionAttempts"] = ConfigurationSetting.Number((o, v) => o.ReconnectionAttempts = v, WebSocketProviderDefaults.ReconnectionAttempts),
        ["reconnectionDelay"] = ConfigurationSetting.Number((o, v) => o.ReconnectionDelay = v, WebSocketProviderDefaults.ReconnectionDelayMs),
        ["maxReconnectionDelay"] = ConfigurationSetting.Number((o, v) => o.MaxReconnectionDelay = v, WebSocketProviderDefaults.MaxReconnectionDelayMs),
        ["timeout"] = ConfigurationSetting.Number((o, v) => o.Timeout = v, WebSocketProviderDefaults.TimeoutMs),
        ["enableCompression"] = ConfigurationSetting.Flag((o, v) => o.EnableCompression = v),
        ["enableAcknowledgments"] = ConfigurationSetting.Flag((o, v) => o.EnableAcknowledgments = v),
        ["acknowledgmentTimeout"] = ConfigurationSetting.Number((o, v) => o.AcknowledgmentTimeout = v, WebSocketProviderDefaults.AcknowledgmentTimeoutMs),
        ["enableReceiving"] = ConfigurationSetting.Flag((o, v) => o.EnableReceiving = v),
        ["enableRequestResponse"] = ConfigurationSetting.Flag((o, v) => o.EnableRequestResponse = v),
        ["requestTimeout"] = ConfigurationSetting.Number((o, v) => o.RequestTimeout = v, WebSocketProviderDefaults.RequestTimeoutMs),
        ["path"] = ConfigurationSetting.Text((o, v) => o.Path = v),
        ["supportChannelBroadcast"] = ConfigurationSetting.Flag((o, v) => o.SupportChannelBroadcast = v),
        ["failWhenRecipientOffline"] = ConfigurationSetting.Flag((o, v) => o.FailWhenRecipientOffline = v),
        ["heartbeatInterval"] = ConfigurationSetting.Number((o, v) => o.HeartbeatInterval = v, WebSocketProviderDefaults.HeartbeatIntervalMs),
        ["heartbeatTimeout"] = ConfigurationSetting.Number((o, v) => o.HeartbeatTimeout = v, WebSocketProviderDefaults.HeartbeatTimeoutMs),
        ["sendQueueCapacity"] = ConfigurationSetting.Number((o, v) => o.SendQueueCapacity = v, WebSocketProviderDefaults.SendQueueCapacity),
        ["maxMessageSize"] = ConfigurationSetting.Number((o, v) => o.MaxMessageSize = v, WebSocketProviderDefaults.MaxMessageSize),

        ["customEvents:notification"] = ConfigurationSetting.Text((o, v) => o.CustomEvents.Notification = v),
        ["customEvents:channelBroadcast"] = ConfigurationSetting.Text((o, v) => o.CustomEvents.ChannelBroadcast = v),
        ["customEvents:incomingMessage"] = ConfigurationSetting.Text((o, v) => o.CustomEvents.IncomingMessage = v),
        ["customEvents:join"] = ConfigurationSetting.Text((o, v) => o.CustomEvents.Join = v),
        ["customEvents:leave"] = ConfigurationSetting.Text((o, v) => o.CustomEvents.Leave = v),

        ["envelope:event"] = ConfigurationSetting.Text((o, v) => o.Envelope.Event = v),
        ["envelope:data"] = ConfigurationSetting.Text((o, v) => o.Envelope.Data = v),
        ["envelope:timestamp"] = ConfigurationSetting.Text((o, v) => o.Envelope.Timestamp = v),
        ["envelope:id"] = ConfigurationSetting.Text((o, v) => o.Envelope.Id = v),
        ["envelope:requiresAck"] = ConfigurationSetting.Text((o, v) => o.Envelope.RequiresAck = v),
        ["envelope:ack"] = ConfigurationSetting.Text((o, v) => o.Envelope.Ack = v),
        ["envelope:requiresResponse"] = ConfigurationSetting.Text((o, v) => o.Envelope.RequiresResponse = v),
        ["envelope:response"] = ConfigurationSetting.Text((o, v) => o.Envelope.Response = v),
        ["envelope:room"] = ConfigurationSetting.Text((o, v) => o.Envelope.Room = v),
        ["envelope:roomParameter"] = ConfigurationSetting.Text((o, v) => o.Envelope.RoomParameter = v),

        ["messageHandling:strategy"] = ConfigurationSetting.Text((o, v) => o.MessageHandling.Strategy = v),
        ["messageHandling:callbackUrl"] = ConfigurationSetting.Text((o, v) => o.MessageHandling.CallbackUrl = v),
        ["messageHandling:callbackSecret"] = ConfigurationSetting.Text((o, v) => o.MessageHandling.CallbackSecret = v),
        ["messageHandling:callbackTimeout"] = ConfigurationSetting.Number((o, v) => o.MessageHandling.CallbackTimeout = v, MessageHandlingDefaults.CallbackTimeoutMs),
        ["messageHandling:callbackMaxConcurrency"] = ConfigurationSetting.Number((o, v) => o.MessageHandling.CallbackMaxConcurrency = v, MessageHandlingDefaults.CallbackMaxConcurrency),
        ["messageHandling:storeInDatabase"] = ConfigurationSetting.Flag((o, v) => o.MessageHandling.StoreInDatabase = v),
        ["messageHandling:databaseProvider"] = ConfigurationSetting.Text((o, v) => o.MessageHandling.DatabaseProvider = v),
        ["messageHandling:databasePath"] = ConfigurationSetting.Text((o, v) => o.MessageHandling.DatabasePath = v),
        ["messageHandling:databaseBusyTimeout"] = ConfigurationSetting.Number((o, v) => o.MessageHandling.DatabaseBusyTimeout = v, MessageHandlingDefaults.DatabaseBusyTimeoutMs),
        ["messageHandling:databaseConnectionString"] = ConfigurationSetting.Text((o, v) => o.MessageHandling.DatabaseConnectionString = v),
        ["messageHandling:databaseTable"] = ConfigurationSetting.Text((o, v) => o.MessageHandling.DatabaseTable = v),
        ["messageHandling:spoolPath"] = ConfigurationSetting.Text((o, v) => o.MessageHandling.SpoolPath = v),
        ["messageHandling:queueCapacity"] = ConfigurationSetting.Number((o, v) => o.MessageHandling.QueueCapacity = v, MessageHandlingDefaults.QueueCapacity),
        ["messageHandling:whenQueueFull"] = ConfigurationSetting.Choice<QueueFullMode>((o, v) => o.MessageHandling.WhenQueueFull = v, ("wait", QueueFullMode.Wait), ("drop", QueueFullMode.Drop)),
        ["messageHandling:spoolCapacity"] = ConfigurationSetting.Number((o, v) => o.MessageHandling.SpoolCapacity = v, MessageHandlingDefaults.SpoolCapacity),
        ["messageHandling:retryDelay"] = ConfigurationSetting.Number((o, v) => o.MessageHandling.RetryDelay = v, MessageHandlingDefaults.RetryDelayMs),
        ["messageHandling:maxRetryDelay"] = ConfigurationSetting.Number((o, v) => o.MessageHandling.MaxRetryDelay = v, MessageHandlingDefaults.MaxRetryDelayMs),
        ["messageHandling:maxConcurrency"] = ConfigurationSetting.Number((o, v) => o.MessageHandling.MaxConcurrency = v, MessageHandlingDefaults.MaxConcurrency),
    };

    private static readonly Dictionary<string, Action<WebSocketProviderOptions, List<string>>> Lists = new(StringComparer.OrdinalIgnoreCase)
    {
        ["transports"] = (o, v) => o.Transports = v,
        ["subscribeToEvents"] = (o, v) => o.SubscribeToEvents = v,
        ["defaultChannels"] = (o, v) => o.DefaultChannels = v,
    };

    private static readonly Dictionary<string, Func<WebSocketProviderOptions, IDictionary<string, string>>> Maps = new(StringComparer.OrdinalIgnoreCase)
    {
        ["authQuery"] = o => o.AuthQuery,
        ["authHeaders"] = o => o.AuthHeaders,
    };

    private static readonly string[] Objects = ["customEvents", "envelope", "messageHandling"];

    /// <summary>Sets every value onto <paramref name="options"/>; each problem goes to <paramref name="errors"/>, and binding goes on.</summary>
    /// <param name="values">Keys relative to the provider section, with their values and full paths.</param>
    /// <param name="options">The options to set.</param>
    /// <param name="errors">Where problems are listed.</param>
    public static void Apply(IReadOnlyDictionary<string, ConfiguredValue> values, WebSocketProviderOptions options, List<string> errors)
    {
        var lists = new Dictionary<string, List<(int Index, string Value)>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, configured) in values.OrderBy(v => v.Value.Path, StringComparer.OrdinalIgnoreCase))
        {
            if (Scalars.TryGetValue(key, out var setting))
            {
                if (setting.Apply(options, configured) is { } error)
                {
                    errors.Add(error);
                }

                continue;
            }

            var separator = key.IndexOf(':', StringComparison.Ordinal);
            var container = separator < 0 ? key : key[..separator];
            var entry = separator < 0 ? null : key[(separator + 1)..];
            if (entry is null && IsContainer(container, out var shape))
            {
                // "transports": "websocket", or an object written as a string.
                if (configured.Value.Length > 0)
                {
                    errors.Add($"{configured.Path} is \"{configured.Value}\" but must be {shape}; correct or remove it.");
                }
            }
            else if (entry is not null && Lists.ContainsKey(container))
            {
                if (int.TryParse(entry, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
                {
                    (lists.TryGetValue(container, out var list) ? list : lists[container] = []).Add((index, configured.Value));
                }
                else
                {
                    errors.Add($"{configured.Path} is not an entry of the list {container}; write {container} as a JSON array of names.");
                }
            }
            else if (entry is not null && !entry.Contains(':', StringComparison.Ordinal) && Maps.TryGetValue(container, out var map))
            {
                map(options)[entry] = configured.Value;
            }
            else
            {
                errors.Add(Unknown(key, configured.Path));
            }
        }

        foreach (var (name, entries) in lists)
        {
            Lists[name](options, [.. entries.OrderBy(e => e.Index).Select(e => e.Value)]);
        }
    }

    private static bool IsContainer(string key, out string shape)
    {
        shape = Lists.ContainsKey(key) ? "a list, for example [\"a\", \"b\"]"
            : Maps.ContainsKey(key) ? "an object of names and values"
            : Objects.Contains(key, StringComparer.OrdinalIgnoreCase) ? "an object"
            : string.Empty;
        return shape.Length > 0;
    }

    private static string Unknown(string key, string path)
    {
        var suggestion = Scalars.Keys.Concat(Lists.Keys).Concat(Maps.Keys)
            .Select(known => (Known: known, Distance: EditDistance(key.ToUpperInvariant(), known.ToUpperInvariant())))
            .Where(c => c.Distance <= Math.Max(1, key.Length / 5))
            .OrderBy(c => c.Distance)
            .Select(c => c.Known)
            .FirstOrDefault();
        return suggestion is null
            ? $"{path} is not a known setting; correct or remove it" + (key.StartsWith("messageHandling:", StringComparison.OrdinalIgnoreCase) ? " (or add the handling strategy that reads it)." : ".")
            : $"{path} is not a known setting; did you mean \"{suggestion}\"? Correct or remove it.";
    }

    /// <summary>Levenshtein distance, for the "did you mean" of a misspelt key.</summary>
    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notify.WebSocket.Handling;
using Notify.WebSocket.Handling.Database;
using Notify.WebSocket.Handling.Spool;
using Notify.WebSocket.Handling.Spool.AppendLog;
using Notify.WebSocket.Handling.Strategies;
using Notify.WebSocket.Registry;
using Notify.WebSocket.Storage;

namespace Notify.WebSocket;

/// <summary>
/// Validates provider options at start and on every change, listing every problem at once with its full key path
/// and the fix. Validating a provider's base configuration also validates every tenant it configures, so a broken
/// tenant override stops the host at start instead of failing that tenant's first send.
/// </summary>
internal sealed class WebSocketProviderOptionsValidator(
    IServiceProvider services,
    ProviderRegistrations registrations,
    IEnumerable<IAuthStrategy> authStrategies,
    HandlingStrategies handlingStrategies,
    IEnumerable<DatabaseProviderRegistration> databaseProviders,
    IEnumerable<IMessageSpoolStore> spoolStores,
    IEnumerable<TransportRegistration> transports)
    : IValidateOptions<WebSocketProviderOptions>
{
    private static readonly string[] KnownTransports = ["websocket", "polling"];

    public ValidateOptionsResult Validate(string? name, WebSocketProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>(options.BindingErrors);
        ValidateOne(options, errors);

        var (providerName, tenantId) = ProviderOptionsNames.Parse(name);
        if (tenantId is null && registrations.TryGet(providerName, out var registration))
        {
            ValidateTenants(providerName, registration, errors);
        }

        // A problem of the base section shows up again in every tenant bound over it, under the same key path.
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors.Distinct(StringComparer.Ordinal));
    }

    private void ValidateTenants(string providerName, ProviderRegistration registration, List<string> errors)
    {
        var factory = services.GetRequiredService<IOptionsFactory<WebSocketProviderOptions>>();
        foreach (var tenant in registration.KnownTenants(services))
        {
            try
            {
                factory.Create(ProviderOptionsNames.For(providerName, tenant));
            }
            catch (OptionsValidationException ex)
            {
                errors.AddRange(ex.Failures);
            }
        }
    }

    private void ValidateOne(WebSocketProviderOptions o, List<string> errors)
    {
        string Key(string key) => o.KeyPath + ":" + key;

        if (o.ProviderType is not null && !string.Equals(o.ProviderType, WebSocketProviderDefaults.ProviderType, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{Key("providerType")} is \"{o.ProviderType}\"; it must be \"websocket\" (or be left out).");
        }

        if (o.Channel is not null && !string.Equals(o.Channel, WebSocketProviderDefaults.ProviderType, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{Key("channel")} is \"{o.Channel}\"; it must be \"websocket\" (or be left out).");
        }

        if (!Enum.IsDefined(o.Mode))
        {
            errors.Add($"{Key("mode")} has an unknown value; use \"internal\" or \"external\".");
        }

        if (o.Protocol is { } protocol && !Enum.IsDefined(protocol))
        {
            errors.Add($"{Key("protocol")} has an unknown value; use \"ws\" or \"socketio\".");
        }

        if (o.Mode == WebSocketMode.External)
        {
            ValidateExternal(o, errors, Key);
            if (o.Protocol == WebSocketProtocol.SocketIo && !transports.Any(t => t.Protocol == WebSocketProtocol.SocketIo))
            {
                errors.Add($"{Key("protocol")} is \"socketio\" but the Socket.IO transport is not added; call .AddSocketIo() on the builder AddWebSocketNotifications returns.");
            }
        }

        ValidateAuth(o, errors, Key);
        ValidateNumbers(o, errors, Key);
        ValidateLists(o, errors, Key);
        ValidateMessageHandling(o, errors, Key);
    }

    private static void ValidateExternal(WebSocketProviderOptions o, List<string> errors, Func<string, string> key)
    {
        if (string.IsNullOrWhiteSpace(o.Url))
        {
            errors.Add($"{key("url")} is required when mode is \"external\"; set it to the server's ws://, wss://, http:// or https:// address.");
        }
        else if (!Uri.TryCreate(o.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("ws" or "wss" or "http" or "https"))
        {
            errors.Add($"{key("url")} \"{SecretRedactor.RedactUrl(o.Url)}\" is not an absolute ws://, wss://, http:// or https:// URL.");
        }

        // A protocol that was given but not understood is reported by the binding already, as what it is.
        if (o.Protocol is null && !errors.Any(e => e.StartsWith(key("protocol") + " ", StringComparison.Ordinal)))
        {
            errors.Add($"{key("protocol")} is required when mode is \"external\"; use \"ws\" or \"socketio\".");
        }
    }

    /// <summary>The <c>authType</c> must name a strategy, whose own <see cref="IAuthStrategy.Validate"/> checks what it needs.</summary>
    private void ValidateAuth(WebSocketProviderOptions o, List<string> errors, Func<string, string> key)
    {
        var authType = o.AuthType ?? string.Empty;
        var strategy = authStrategies.LastOrDefault(s => string.Equals(s.AuthType, authType, StringComparison.OrdinalIgnoreCase));
        if (strategy is null)
        {
            var known = string.Join(", ", authStrategies.Select(s => $"\"{s.AuthType}\"").Distinct(StringComparer.OrdinalIgnoreCase));
            errors.Add($"{key("authType")} has the unknown value \"{authType}\"; use one of {known}.");
            return;
        }

        errors.AddRange(strategy.Validate(o).Select(key));
    }

    private static void ValidateNumbers(WebSocketProviderOptions o, List<string> errors, Func<string, string> key)
    {
        void NotNegative(string name, int value)
        {
            if (value < 0)
            {
                errors.Add($"{key(name)} is {value}; it must be 0 or greater.");
            }
        }

        void Positive(string name, int value)
        {
            if (value <= 0)
            {
                errors.Add($"{key(name)} is {value}; it must be greater than 0 (milliseconds or bytes).");
            }
        }

        NotNegative("reconnectionAttempts", o.ReconnectionAttempts);
        NotNegative("reconnectionDelay", o.ReconnectionDelay);
        NotNegative("maxReconnectionDelay", o.MaxReconnectionDelay);
        NotNegative("heartbeatInterval", o.HeartbeatInterval);
        NotNegative("sendQueueCapacity", o.SendQueueCapacity);
        Positive("timeout", o.Timeout);
        Positive("requestTimeout", o.RequestTimeout);
        Positive("acknowledgmentTimeout", o.AcknowledgmentTimeout);
        Positive("heartbeatTimeout", o.HeartbeatTimeout);
        Positive("maxMessageSize", o.MaxMessageSize);
        if (o.MaxReconnectionDelay >= 0 && o.ReconnectionDelay > o.MaxReconnectionDelay)
        {
            errors.Add($"{key("reconnectionDelay")} ({o.ReconnectionDelay}) is greater than {key("maxReconnectionDelay")} ({o.MaxReconnectionDelay}); raise maxReconnectionDelay or lower reconnectionDelay.");
        }
    }

    private static void ValidateLists(WebSocketProviderOptions o, List<string> errors, Func<string, string> key)
    {
        if (o.Transports.Count == 0)
        {
            errors.Add($"{key("transports")} is empty; use [\"websocket\"], [\"polling\"] or both.");
        }

        for (var i = 0; i < o.Transports.Count; i++)
        {
            if (!KnownTransports.Contains(o.Transports[i], StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{key("transports")}:{i} has the unknown value \"{o.Transports[i]}\"; use \"websocket\" or \"polling\".");
            }
        }

        foreach (var (field, value) in o.Envelope.Fields())
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add($"{key("envelope:" + field)} is empty; give a field name or leave it out for the default.");
            }
        }

        foreach (var (name, value) in new[] { ("notification", o.CustomEvents.Notification), ("channelBroadcast", o.CustomEvents.ChannelBroadcast), ("incomingMessage", o.CustomEvents.IncomingMessage), ("join", o.CustomEvents.Join), ("leave", o.CustomEvents.Leave) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add($"{key("customEvents:" + name)} is empty; give an event name or leave it out for the default.");
            }
        }

        if (string.IsNullOrEmpty(o.Path) || o.Path[0] != '/')
        {
            errors.Add($"{key("path")} \"{o.Path}\" must start with \"/\" (default \"/socket.io\").");
        }

        for (var i = 0; i < o.DefaultChannels.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(o.DefaultChannels[i]))
            {
                errors.Add($"{key("defaultChannels")}:{i} is empty; give a channel name or remove the entry.");
            }
        }

        for (var i = 0; i < o.SubscribeToEvents.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(o.SubscribeToEvents[i]))
            {
                errors.Add($"{key("subscribeToEvents")}:{i} is empty; give an event name or remove the entry.");
            }
        }
    }

    private void ValidateMessageHandling(WebSocketProviderOptions o, List<string> errors, Func<string, string> key)
    {
        var handling = o.MessageHandling;
        var strategy = handling.Strategy ?? string.Empty;
        var available = handlingStrategies.For(o.ProviderName);
        var known = new[] { MessageHandlingStrategies.None, MessageHandlingStrategies.All }.Concat(available.Select(s => s.Name)).ToList();
        if (!known.Contains(strategy, StringComparer.OrdinalIgnoreCase))
        {
            var elsewhere = handlingStrategies.AddedElsewhere(strategy, o.ProviderName).Select(p => $"\"{p}\"").ToList();
            errors.Add(elsewhere.Count > 0
                ? $"{key("messageHandling:strategy")} is \"{strategy}\", a strategy added only to the provider configuration(s) {string.Join(", ", elsewhere)}; add it on this configuration's builder too (the same AddHandlingStrategy or package Add… call)."
                : $"{key("messageHandling:strategy")} is \"{strategy}\" but no strategy of that name is added; use one of {string.Join(", ", known.Select(s => $"\"{s}\""))}, or {HandlingStrategyKeys.HowToAdd}.");
            return;
        }

        var usesCallback = string.Equals(strategy, MessageHandlingStrategies.Callback, StringComparison.OrdinalIgnoreCase)
            || (string.Equals(strategy, MessageHandlingStrategies.All, StringComparison.OrdinalIgnoreCase) && handling.CallbackUrl is not null);
        if (usesCallback && (handling.CallbackUrl is null || !Uri.TryCreate(handling.CallbackUrl, UriKind.Absolute, out var callback) || callback.Scheme is not ("http" or "https")))
        {
            errors.Add($"{key("messageHandling:callbackUrl")} must be an absolute http:// or https:// URL when the callback strategy is used.");
        }

        ValidateHandlingNumbers(handling, errors, key);

        // Strategies only run when receiving is on; then each one used must also be set up.
        if (o.EnableReceiving)
        {
            ValidateStrategiesSetUp(o, strategy, errors, key);
        }
    }

    private static void ValidateHandlingNumbers(MessageHandlingOptions handling, List<string> errors, Func<string, string> key)
    {
        foreach (var (name, value) in new[] { ("callbackTimeout", handling.CallbackTimeout), ("spoolCapacity", handling.SpoolCapacity), ("queueCapacity", handling.QueueCapacity), ("databaseBusyTimeout", handling.DatabaseBusyTimeout), ("retryDelay", handling.RetryDelay), ("maxRetryDelay", handling.MaxRetryDelay), ("maxConcurrency", handling.MaxConcurrency), ("callbackMaxConcurrency", handling.CallbackMaxConcurrency) })
        {
            if (value <= 0)
            {
                errors.Add($"{key("messageHandling:" + name)} is {value}; it must be greater than 0.");
            }
        }

        if (handling.RetryDelay > 0 && handling.RetryDelay > handling.MaxRetryDelay)
        {
            errors.Add($"{key("messageHandling:retryDelay")} ({handling.RetryDelay}) is greater than {key("messageHandling:maxRetryDelay")} ({handling.MaxRetryDelay}); raise maxRetryDelay or lower retryDelay.");
        }
    }

    private void ValidateStrategiesSetUp(WebSocketProviderOptions o, string strategy, List<string> errors, Func<string, string> key)
    {
        var handling = o.MessageHandling;
        var used = IncomingPipelineFactory.Used(handlingStrategies, o).ToList();
        if (string.Equals(strategy, MessageHandlingStrategies.All, StringComparison.OrdinalIgnoreCase) && used.Count == 0)
        {
            errors.Add($"{key("messageHandling:strategy")} is \"all\" but no strategy takes part; set callbackUrl or storeInDatabase, or add a strategy (an added strategy's own options say whether it takes part in \"all\").");
        }
        else if (!string.Equals(strategy, MessageHandlingStrategies.None, StringComparison.OrdinalIgnoreCase))
        {
            if (spoolStores.LastOrDefault() is not { } spools)
            {
                errors.Add($"{key("messageHandling:strategy")} is \"{strategy}\" with enableReceiving on: {SpoolRegistry.MissingStore}");
            }
            else if (spools is LogSpoolStore && ApplicationDataFolder.WritableProblem(spools.GetLocation(handling)) is { } problem)
            {
                errors.Add($"{key("messageHandling:spoolPath")}: {problem}; set it to a writable folder (messages wait there until every strategy has handled them).");
            }
        }

        foreach (var registration in used)
        {
            if (string.Equals(registration.Name, MessageHandlingStrategies.Database, StringComparison.OrdinalIgnoreCase) && !registration.HasOwnOptions)
            {
                ValidateDatabase(handling, errors, key);
            }

            registration.Validate(services, o, errors);
        }
    }

    private void ValidateDatabase(MessageHandlingOptions handling, List<string> errors, Func<string, string> key)
    {
        var provider = handling.DatabaseProvider ?? string.Empty;
        if (NotificationsDialect.For(provider) is null)
        {
            errors.Add($"{key("messageHandling:databaseProvider")} has the unknown value \"{provider}\"; use \"{MessageHandlingDefaults.SqliteProvider}\" or \"{MessageHandlingDefaults.PostgreSqlProvider}\".");
            return;
        }

        if (NotificationsDatabases.ConnectionString(handling) is null)
        {
            errors.Add($"{key("messageHandling:databaseConnectionString")} is required when the database strategy uses \"{provider}\".");
        }
        else if (NotificationsDialect.For(provider) == NotificationsDialect.Sqlite && string.IsNullOrWhiteSpace(handling.DatabaseConnectionString)
            && ApplicationDataFolder.WritableProblem(Path.GetDirectoryName(Path.GetFullPath(string.IsNullOrWhiteSpace(handling.DatabasePath) ? NotificationsDatabases.DefaultSqlitePath : handling.DatabasePath))!) is { } problem)
        {
            errors.Add($"{key("messageHandling:databasePath")}: {problem}; set it to a file in a writable folder.");
        }

        var registered = databaseProviders.Any(p => string.Equals(p.Name, provider, StringComparison.OrdinalIgnoreCase));
        if (!string.IsNullOrWhiteSpace(handling.DatabaseConnectionString)
            && databaseProviders.LastOrDefault(p => string.Equals(p.Name, provider, StringComparison.OrdinalIgnoreCase))?.Factory is { } factory
            && ConnectionStrings.Problem(factory, handling.DatabaseConnectionString) is { } refused)
        {
            errors.Add($"{key("messageHandling:databaseConnectionString")}: {refused}; correct it (keys and values as its provider documents them).");
        }

        if (!registered && NotificationsDialect.For(provider) == NotificationsDialect.Sqlite)
        {
            errors.Add($"{key("messageHandling:databaseProvider")} is \"{provider}\", which needs the Notify.WebSocket.Sqlite package; add it and call .AddSqlite() on the builder AddWebSocketNotifications returns (or use \"{MessageHandlingDefaults.PostgreSqlProvider}\" with .AddDatabaseProvider(\"{MessageHandlingDefaults.PostgreSqlProvider}\", NpgsqlFactory.Instance)).");
        }
        else if (!registered)
        {
            errors.Add($"{key("messageHandling:databaseProvider")} is \"{provider}\" but no ADO.NET provider is registered for it; call .AddDatabaseProvider(\"{provider}\", NpgsqlFactory.Instance) on the builder AddWebSocketNotifications returns.");
        }

        if (!NotificationsDialect.IsValidTableName(handling.DatabaseTable))
        {
            errors.Add($"{key("messageHandling:databaseTable")} \"{handling.DatabaseTable}\" is not a plain table name (letters, digits, _ and an optional schema prefix).");
        }
    }
}

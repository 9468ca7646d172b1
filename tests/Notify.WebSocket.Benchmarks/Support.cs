using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Notify.WebSocket.Auth;
using Notify.WebSocket.External;
using Notify.WebSocket.External.Transports.NativeWebSocket;
using Notify.WebSocket.Registry;

namespace Notify.WebSocket.Benchmarks;

/// <summary>The same message in every benchmark, so results compare across classes.</summary>
internal static class Samples
{
    /// <summary>The default PayloadSerializerOptions, as a provider gets them.</summary>
    public static readonly System.Text.Json.JsonSerializerOptions Json = WebSocketNotificationsJsonOptions.Ready(WebSocketNotificationsJsonOptions.CreateDefault());

    /// <summary>Connects <paramref name="count"/> users of <see cref="Tenant"/> and joins each to <see cref="Channel"/>.</summary>
    public static List<InProcessConnection> ChannelMembers(InProcessNotificationGateway gateway, int count)
    {
        var members = new List<InProcessConnection>(count);
        for (var i = 0; i < count; i++)
        {
            var connection = gateway.Connect(Tenant, "user-" + i);
            connection.JoinChannel(Channel);
            members.Add(connection);
        }

        return members;
    }

    public const string Tenant = "tenant-a";
    public const string Id = "0197a4c3e1b27c4f9d6a3b8e5f1c2d40";
    public const string UserId = "user-42";
    public const string Channel = "alerts";
    public static readonly DateTimeOffset Timestamp = new(2026, 11, 26, 5, 30, 0, TimeSpan.Zero);

    public static readonly NotificationContent TextOnly = new()
    {
        Subject = "Order shipped",
        Body = "Your order #10442 left the warehouse and should arrive on Thursday.",
    };

    public static readonly NotificationContent WithData = TextOnly with
    {
        Data = new OrderData(10442, "shipped", 59.90m, ["SKU-1", "SKU-2", "SKU-3"]),
    };

    public static WebSocketProviderOptions ExternalWs() => new()
    {
        Mode = WebSocketMode.External,
        Protocol = WebSocketProtocol.Ws,
        Url = "wss://notify.example.com/ws?token=secret",
        AuthType = AuthTypes.Bearer,
        AuthToken = "secret-token",
        HeartbeatInterval = 0,
    };

    /// <summary>The result of a send that completes synchronously (the in-process gateway does).</summary>
    public static T Completed<T>(ValueTask<T> pending) =>
        pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();

    public sealed record OrderData(int OrderId, string Status, decimal Total, string[] Items);
}

/// <summary>
/// An external connection whose transport is memory: it connects at once, writes the native ws envelope into a
/// reused buffer (what <see cref="NativeWebSocketConnection"/> does before the socket call) and can acknowledge
/// every message as it is written, so the correlation path runs without a server.
/// </summary>
internal sealed class MemoryConnection : ExternalConnection
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _writer;

    public MemoryConnection(WebSocketProviderOptions options)
        : base(ConnectionPoolKey.From(options), options, BuiltInAuth(), TimeProvider.System, NullLogger.Instance)
    {
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
    }

    public bool AckOnWrite { get; set; }

    /// <summary>The built-in auth strategies, as the container registers them (the sample options use bearer).</summary>
    private static AuthStrategyResolver BuiltInAuth()
    {
        var tokenProviders = new BearerTokenProviders([], EmptyServices.Instance);
        return new AuthStrategyResolver([new NoAuthStrategy(), new BearerAuthStrategy(tokenProviders)], tokenProviders);
    }

    public int WrittenBytes => _buffer.WrittenCount;

    public async Task StartAndWaitAsync()
    {
        Start();
        if (!await WaitUntilConnectedAsync(CancellationToken.None).ConfigureAwait(false))
        {
            throw new InvalidOperationException("The memory connection did not connect.");
        }
    }

    protected override Task OpenAsync(ConnectionRequest request, CancellationToken cancellationToken) => Task.CompletedTask;

    protected override Task ReceiveLoopAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

    protected override ValueTask WriteAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        NativeWebSocketConnection.WriteEnvelope(_writer, Options.Envelope, message, TimeProvider.GetUtcNow().UtcDateTime);
        if (AckOnWrite && message.Id is not null)
        {
            CompletePending(message.Id, default);
        }

        return ValueTask.CompletedTask;
    }

    protected override void AbortTransport()
    {
    }

    protected override ValueTask CloseTransportAsync() => ValueTask.CompletedTask;

    protected override Task CloseForReconnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Feeds a frame as the receive loop would after decoding it.</summary>
    public ValueTask Receive(IncomingFrame frame) => DispatchAsync(frame, acknowledge: null);
}

internal sealed class NoopStrategy : IMessageHandlingStrategy<NoopStrategy.Settings>
{
    public ValueTask HandleAsync(IncomingMessage message, Settings options, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <summary>The strategy as the pipeline runs it.</summary>
    public static Notify.WebSocket.Handling.Strategies.SelectedStrategy Selected() => new Notify.WebSocket.Handling.Strategies.SelectedStrategy<Settings>("noop", new NoopStrategy(), new Settings());

    internal sealed class Settings;
}

internal sealed class EmptyServices : IServiceProvider
{
    public static readonly EmptyServices Instance = new();

    public object? GetService(Type serviceType) => null;
}

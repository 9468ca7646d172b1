using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notify.WebSocket.AspNetCore.Hubs;

namespace Notify.WebSocket.AspNetCore.Tests.Hubs;

public sealed class SerializedNotificationTests
{
    private static readonly NotificationPayload Notification = NotificationPayload.Create(
        "n-1",
        NotificationRecipient.ForChannel("alerts"),
        new NotificationContent { Subject = "Ünïcode <b>", Body = "body", Data = new Dictionary<string, object?> { ["orderId"] = 42, ["tags"] = new[] { "a", "b" } } },
        DateTimeOffset.Parse("2026-11-30T01:02:03Z", System.Globalization.CultureInfo.InvariantCulture)) with { Stream = "t:1:channel:alerts", Position = 7 };

    [Fact]
    public void WrittenByTheJsonHubProtocol_IsTheSameFrameAsTheNotificationItself_ForEveryConnection()
    {
        var protocol = new JsonHubProtocol(Options.Create(new JsonHubProtocolOptions()));
        var plain = Frame(protocol, Notification);
        var shared = SerializedNotification.For(Notification);

        Assert.Same(shared, SerializedNotification.For(Notification));
        Assert.Equal(plain, Frame(protocol, shared));
        Assert.Equal(plain, Frame(protocol, shared)); // the second connection gets the bytes written for the first
    }

    [Fact]
    public void WithOtherPayloadOptions_TheNotificationIsWrittenWithThoseOptions()
    {
        var camel = new JsonHubProtocol(Options.Create(new JsonHubProtocolOptions()));
        var indented = new JsonHubProtocol(Options.Create(new JsonHubProtocolOptions { PayloadSerializerOptions = new System.Text.Json.JsonSerializerOptions { WriteIndented = true } }));
        var shared = SerializedNotification.For(Notification with { Position = 8 });

        Assert.Equal(Frame(camel, Notification with { Position = 8 }), Frame(camel, shared));
        Assert.Equal(Frame(indented, Notification with { Position = 8 }), Frame(indented, shared));
    }

    [Fact]
    public void TheGatewayWithSignalRsDefaultJsonOptions_SendsTheSharedSerializedForm()
    {
        // SignalR's default payload options have no resolver until their first write: the gateway must not take that for
        // "cannot write a notification" (it did, and serialized every notification once per connection).
        Assert.IsType<SerializedNotification>(GatewayClients(configure: null).Outgoing(Notification));
    }

    [Fact]
    public void TheGatewayWithPayloadOptionsThatCannotWriteANotification_SendsTheNotificationItself()
    {
        var clients = GatewayClients(s => s.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.TypeInfoResolver = UnrelatedJsonContext.Default));

        Assert.Same(Notification, clients.Outgoing(Notification));
    }

    [Fact]
    public void PreparedForAGroupSend_IsTheFrameOfTheNotificationItself()
    {
        var protocol = new JsonHubProtocol(Options.Create(new JsonHubProtocolOptions()));
        var notification = Notification with { Position = 9 };
        var prepared = GatewayClients(configure: null).Prepared(notification);

        Assert.Same(SerializedNotification.For(notification), prepared);
        Assert.Equal(Frame(protocol, notification), Frame(protocol, prepared));
    }

    [Fact]
    public void PreparedWithPayloadOptionsThatCannotWriteIt_FailsWithSerializationError()
    {
        var clients = GatewayClients(s => s.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.TypeInfoResolver = UnrelatedJsonContext.Default));

        var failure = Assert.Throws<WebSocketNotificationException>(() => clients.Prepared(Notification));

        Assert.Equal(WebSocketErrorCodes.SerializationError, failure.Code);
        Assert.Contains("AddJsonProtocol", failure.Message, StringComparison.Ordinal);
    }

    private static NotificationHubClients GatewayClients(Action<IServiceCollection>? configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWebSocketNotifications(o => o.Mode = WebSocketMode.Internal).AddSignalRGateway();
        configure?.Invoke(services);
        return services.BuildServiceProvider().GetRequiredService<NotificationHubClients>();
    }

    private static string Frame(JsonHubProtocol protocol, object argument)
    {
        var buffer = new ArrayBufferWriter<byte>();
        protocol.WriteMessage(new InvocationMessage("notification:new", [argument]), buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(int))]
internal sealed partial class UnrelatedJsonContext : System.Text.Json.Serialization.JsonSerializerContext;

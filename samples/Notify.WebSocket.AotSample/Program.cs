// Notify.WebSocket under Native AOT: configuration bound from appsettings (and the command line), notifications with a
// typed Data payload, in internal mode through the in-process gateway and, when an external server's url is given, in
// external mode over native WebSocket with acknowledgments, a typed query and incoming messages counted by a handling
// strategy of the app's own (its options bound by the configuration binding generator), and the durable inbox on SQLite
// (a send to an offline user replayed on connect, read state). Exits 0 when everything arrived.
//   dotnet publish samples/Notify.WebSocket.AotSample -c Release -o out/aot
//   out/aot/Notify.WebSocket.AotSample [--Notifications:External:url ws://127.0.0.1:PORT/ws]
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Notify.WebSocket;
using Notify.WebSocket.AotSample;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddWebSocketNotifications(builder.Configuration.GetSection("Notifications:WebSocket"))
    .ConfigureJson(o => o.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default));
var externalUrl = builder.Configuration["Notifications:External:url"];
if (externalUrl is not null)
{
    builder.Services.AddWebSocketNotifications(builder.Configuration.GetSection("Notifications:External"), providerName: "external")
        .AddHandlingStrategy<TallyStrategy, TallyOptions>("tally", static (section, options) => section.Bind(options));
}

using var host = builder.Build();
await host.StartAsync();
var failures = 0;

// Internal mode: the in-process gateway hands the payload object to the connection as it is.
var gateway = host.Services.GetRequiredService<InProcessNotificationGateway>();
await using (var connection = gateway.Connect(tenantId: "default", userId: "aot-user"))
{
    connection.JoinChannel("alerts");
    var alert = new AlertData("system", "info", 1);
    var sent = await host.Services.GetRequiredService<IWebSocketProvider>()
        .SendToChannelAsync("alerts", new NotificationContent { Subject = "Backup done", Data = alert });
    var received = connection.Notifications.TryRead(out var notification) && Equals(notification.Data, alert);
    Console.WriteLine($"internal: success={sent.Success} connections={sent.Metadata.GetValueOrDefault("deliveredConnections")} received={received} error={sent.Error?.Code}");
    failures += sent.Success && received ? 0 : 1;
}

failures += await InboxSample.RunAsync(args);

// External mode: the Data goes through System.Text.Json with the app's source-generated context, acknowledged by the server.
if (externalUrl is not null)
{
    var provider = await host.Services.GetRequiredService<ProviderRegistry>().GetProviderAsync("default", "external");
    var validation = await provider.ValidateAsync();
    var alert = new AlertData("system", "warning", 2);
    var sent = await provider.SendToChannelAsync("alerts", new NotificationContent { Subject = "Disk almost full", Data = alert });
    var echo = await provider.QueryAsync(new QueryRequest("alert:echo", alert), AppJsonContext.Default.EchoResponse);
    var echoed = echo is not null && echo.Echo == alert;
    Console.WriteLine($"external: connected={validation.IsValid} acknowledged={sent.Success} error={sent.Error?.Code} query echoed={echoed}");
    failures += validation.IsValid && sent.Success && echoed ? 0 : 1;

    // The server sends a burst of status:update events on connect: the app's own strategy counts them.
    var tally = host.Services.GetRequiredService<TallyStrategy>();
    var expected = builder.Configuration.GetValue<int>("Notifications:External:messageHandling:strategies:tally:expected");
    for (var i = 0; i < 100 && tally.Count < expected; i++)
    {
        await Task.Delay(50);
    }

    Console.WriteLine($"external, incoming: counted {tally.Count} of {expected} by the app's own strategy");
    failures += tally.Count == expected ? 0 : 1;

    // A type no resolver knows (an anonymous type has no source-generated metadata) fails the send; it never throws.
    var unknown = await provider.SendToUserAsync("aot-user", new NotificationContent { Data = new { note = "no metadata" } });
    Console.WriteLine($"external, data of an unknown type: success={unknown.Success} error={unknown.Error?.Code}");
    failures += !unknown.Success && unknown.Error?.Code == WebSocketErrorCodes.SerializationError ? 0 : 1;
}
else
{
    Console.WriteLine("external: skipped (give --Notifications:External:url ws://host:port/ws)");
}

await host.StopAsync();
return failures == 0 ? 0 : 1;

// Channel broadcast to N connected SignalR clients: deliveries/s through the provider (InternalGatewayProvider ->
// SignalR gateway) vs IHubContext.Clients.Group(...).SendAsync directly, alternating in the same run; prints the ratio.
// Run: dotnet run -c Release --project tests/Notify.WebSocket.AspNetCore.LoadHarness -- [clients=200] [messages=200] [rounds=7]
using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Notify.WebSocket;
using Notify.WebSocket.AspNetCore;

var clients = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
var messages = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 7;
const string Tenant = "1";
const string Channel = "bench";
const string Group = "t:1:channel:bench"; // the gateway's group of tenant 1's channel "bench" (DESIGN.md)

var builder = WebApplication.CreateBuilder();
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.Logging.ClearProviders();
builder.Services
    .AddWebSocketNotifications(o => o.SupportChannelBroadcast = true)
    .AddSignalRGateway(o =>
    {
        o.AllowAnonymous = true; // connection auth is not what is measured
        o.AnonymousTenantId = Tenant;
        o.AllowedChannelPatterns = [Channel];
    });
await using var app = builder.Build();
app.MapNotificationGateway();
await app.StartAsync();
var hubUrl = new Uri(new Uri(app.Urls.First()), "/notifications");

long received = 0;
long target = long.MaxValue;
var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
var connections = new List<HubConnection>(clients);
for (var i = 0; i < clients; i++)
{
    var connection = new HubConnectionBuilder()
        .WithUrl(hubUrl, o =>
        {
            o.Transports = HttpTransportType.WebSockets;
            o.SkipNegotiation = true;
        })
        .Build();
    var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    connection.On<object>("channel:joined", _ => joined.TrySetResult());
    connection.On<object>("notification:new", _ =>
    {
        if (Interlocked.Increment(ref received) == Volatile.Read(ref target))
        {
            done.TrySetResult();
        }
    });
    await connection.StartAsync();
    await connection.InvokeAsync("channel:join", new { channelName = Channel });
    await joined.Task.WaitAsync(TimeSpan.FromSeconds(10));
    connections.Add(connection);
}

var provider = await app.Services.GetRequiredService<ProviderRegistry>().GetProviderAsync(Tenant);
var hub = app.Services.GetRequiredService<IHubContext<NotificationHub>>();
var content = new NotificationContent { Subject = "bench", Body = "channel broadcast" };

async Task<double> RoundAsync(bool viaProvider)
{
    Interlocked.Exchange(ref received, 0);
    done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    Volatile.Write(ref target, (long)messages * clients);
    var stopwatch = Stopwatch.StartNew();
    for (var m = 0; m < messages; m++)
    {
        if (viaProvider)
        {
            var result = await provider.SendToChannelAsync(Channel, content);
            if (!result.Success)
            {
                throw new InvalidOperationException(result.Error!.Message);
            }
        }
        else
        {
            var payload = NotificationPayload.Create(Guid.NewGuid().ToString("N"), NotificationRecipient.ForChannel(Channel), content, DateTimeOffset.UtcNow);
            await hub.Clients.Group(Group).SendAsync("notification:new", payload);
        }
    }

    await done.Task.WaitAsync(TimeSpan.FromSeconds(120));
    return messages * (double)clients / stopwatch.Elapsed.TotalSeconds;
}

// Warm-up of both paths, then alternating rounds so drift hits both alike.
await RoundAsync(viaProvider: true);
await RoundAsync(viaProvider: false);
var viaProviderRates = new List<double>();
var directRates = new List<double>();
for (var r = 0; r < rounds; r++)
{
    var providerFirst = r % 2 == 0;
    var first = await RoundAsync(providerFirst);
    var second = await RoundAsync(!providerFirst);
    (providerFirst ? viaProviderRates : directRates).Add(first);
    (providerFirst ? directRates : viaProviderRates).Add(second);
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

var p = Median(viaProviderRates);
var d = Median(directRates);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"clients={clients} messages/round={messages} rounds={rounds} (median deliveries/s)"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"provider -> SignalR gateway : {p,12:N0}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"IHubContext directly       : {d,12:N0}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio provider/direct      : {p / d:F3}"));

foreach (var connection in connections)
{
    await connection.DisposeAsync();
}

await app.StopAsync();

// A consumer host as a user deploys one: external ws, receiving "status:update" into the callback strategy, with the
// spool in a given folder. Tests start it as a child process, kill it with SIGKILL under traffic and start it again
// on the same spool, to count at the webhook what survived.
//   dotnet Notify.WebSocket.ConsumerHost.dll --url ws://127.0.0.1:PORT/ws --spool DIR --callback http://127.0.0.1:PORT/hooks
//        [--tenant ID]   the tenant that receives (default "default"). The default tenant's provider is started at host
//                        start; another tenant's (not in configuration) at its first GetProviderAsync.
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Notify.WebSocket;

var url = Arg("--url") ?? throw new ArgumentException("--url is required");
var spool = Arg("--spool") ?? throw new ArgumentException("--spool is required");
var callback = Arg("--callback") ?? throw new ArgumentException("--callback is required");
var tenant = Arg("--tenant") ?? "default";

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

// Warnings and errors to stderr (stdout carries the "ready" line the test waits for).
builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
builder.Services.AddWebSocketNotifications(o =>
{
    o.Mode = WebSocketMode.External;
    o.Protocol = WebSocketProtocol.Ws;
    o.Url = url;
    o.ReconnectionDelay = 50;
    o.MaxReconnectionDelay = 500;
    o.EnableReceiving = true;
    o.SubscribeToEvents = ["status:update"];
    o.MessageHandling.Strategy = "callback";
    o.MessageHandling.CallbackUrl = callback;
    o.MessageHandling.SpoolPath = spool;
    o.MessageHandling.RetryDelay = 50;
    o.MessageHandling.MaxRetryDelay = 500;
});
using var host = builder.Build();
await host.StartAsync();
_ = await host.Services.GetRequiredService<ProviderRegistry>().GetProviderAsync(tenant);
Console.Out.WriteLine("ready " + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
Console.Out.Flush();

// Runs until killed, or until the test closes stdin.
await Console.In.ReadToEndAsync();
await host.StopAsync();
return;

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

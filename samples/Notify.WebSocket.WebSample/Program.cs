// The Notify.WebSocket web sample: an ASP.NET Core host whose internal-mode notifications reach browsers through the
// SignalR gateway, with a notification centre (history, unread count, read state across tabs) on the inbox.
// Run it with `dotnet run --project samples/Notify.WebSocket.WebSample` and open http://127.0.0.1:5180.
using Notify.WebSocket.WebSample;

var app = WebSampleApp.Build(new() { Args = args });
app.Run();

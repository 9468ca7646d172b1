namespace Notify.WebSocket.External.Transports.SocketIo;

/// <summary>
/// The Socket.IO transport is not trim- or AOT-safe, and only <c>.AddSocketIo()</c> reaches it: that entry point carries
/// <c>RequiresUnreferencedCode</c>/<c>RequiresDynamicCode</c>, so the warning goes to the app that calls it, and the
/// transport's own reflection-based calls (SocketIOClient's <c>IJsonSerializer</c>, which we implement) are suppressed.
/// </summary>
internal static class SocketIoTrimming
{
    public const string Reason =
        "The Socket.IO transport is built on SocketIOClient 3.0.6, which serializes with reflection-based System.Text.Json and is not trim- or AOT-safe. Apps that do not call AddSocketIo keep none of it.";

    public const string Suppressed = "Reachable only through AddSocketIo, which carries RequiresUnreferencedCode and RequiresDynamicCode.";
}

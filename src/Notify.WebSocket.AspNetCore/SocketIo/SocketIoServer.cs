using Microsoft.AspNetCore.Http;
using Notify.WebSocket.AspNetCore.SocketIo.EngineIo;

namespace Notify.WebSocket.AspNetCore.SocketIo;

/// <summary>
/// The Socket.IO v5 server on top of Engine.IO: a <see cref="SocketIoClient"/> per session, namespaces by name. An
/// optional open hook sees the HTTP request that opened a session (the gateway authenticates it there).
/// </summary>
internal sealed class SocketIoServer : IEngineIoHandler
{
    private readonly Dictionary<string, SocketIoNamespace> _namespaces;
    private readonly Func<SocketIoClient, HttpContext, ValueTask>? _onOpen;

    public SocketIoServer(
        IEnumerable<SocketIoNamespace> namespaces,
        SocketIoServerSettings settings,
        TimeProvider timeProvider,
        SocketIoDiagnostics diagnostics,
        Func<SocketIoClient, HttpContext, ValueTask>? onOpen = null)
    {
        _namespaces = namespaces.ToDictionary(n => n.Name, StringComparer.Ordinal);
        Settings = settings;
        TimeProvider = timeProvider;
        Diagnostics = diagnostics;
        _onOpen = onOpen;
    }

    public SocketIoServerSettings Settings { get; }

    public TimeProvider TimeProvider { get; }

    public SocketIoDiagnostics Diagnostics { get; }

    public SocketIoNamespace? Namespace(string name) => _namespaces.GetValueOrDefault(name);

    public async ValueTask OnOpenAsync(EngineIoSession session, HttpContext request)
    {
        var client = new SocketIoClient(this, session);
        session.State = client;
        if (_onOpen is not null)
        {
            await _onOpen(client, request).ConfigureAwait(false);
        }
    }

    public ValueTask OnMessageAsync(EngineIoSession session, ReadOnlyMemory<byte> data, bool isBinary) =>
        ((SocketIoClient)session.State!).OnMessageAsync(data, isBinary);

    public void OnClose(EngineIoSession session, string reason)
    {
        if (session.State is SocketIoClient client)
        {
            _ = client.OnCloseAsync(reason).AsTask();
        }
    }
}

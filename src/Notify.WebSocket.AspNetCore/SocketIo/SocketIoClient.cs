using System.Text.Json;
using Notify.WebSocket.AspNetCore.SocketIo.EngineIo;
using Notify.WebSocket.AspNetCore.SocketIo.Protocol;

namespace Notify.WebSocket.AspNetCore.SocketIo;

/// <summary>
/// The Socket.IO side of one Engine.IO session: the sockets it has in namespaces, the packet being reassembled from its
/// binary attachments, and the connect timeout. Packets of a session arrive one at a time (one WebSocket receive loop,
/// or one POST at a time), so the decoding state needs no lock; the namespace table has one, because the server
/// disconnects sockets from other threads.
/// </summary>
internal sealed class SocketIoClient
{
    private readonly Lock _gate;
    private readonly List<SocketIoSocket> _sockets = new(1);
    private SocketIoPacket? _reassembling;
    private ITimer? _connectTimer;
    private Task _connecting = Task.CompletedTask;

    public SocketIoClient(SocketIoServer server, EngineIoSession session)
    {
        Server = server;
        Session = session;
        _gate = session.Gate;
        _connectTimer = server.TimeProvider.CreateTimer(
            static s => ((SocketIoClient)s!).OnConnectTimeout(), this, server.Settings.ConnectTimeout, Timeout.InfiniteTimeSpan);
    }

    public SocketIoServer Server { get; }

    public EngineIoSession Session { get; }

    /// <summary>What the server's open hook kept of the request that opened the session (the gateway's authentication).</summary>
    public object? OpenState { get; set; }

    public async ValueTask OnMessageAsync(ReadOnlyMemory<byte> data, bool isBinary)
    {
        // Packets after a namespace CONNECT wait until that connect is set up: they are handled in order.
        if (!_connecting.IsCompleted)
        {
            await _connecting.ConfigureAwait(false);
        }

        if (isBinary)
        {
            if (_reassembling is not { } pending)
            {
                Fail("binary data without a binary packet");
                return;
            }

            // The receive buffer is pooled: the attachment keeps its own copy.
            pending.Attachments.Add(data.ToArray());
            if (pending.IsComplete)
            {
                _reassembling = null;
                if (!pending.PlaceholdersAreValid())
                {
                    pending.Dispose();
                    Fail("placeholder of a missing attachment");
                    return;
                }

                await HandleAsync(pending).ConfigureAwait(false);
            }

            return;
        }

        if (_reassembling is not null)
        {
            Fail("text packet while binary attachments were expected");
            return;
        }

        if (!SocketIoPacketParser.TryParse(data, Server.Settings.MaxAttachments, out var packet, out var error))
        {
            Fail(error);
            return;
        }

        if (!packet!.IsComplete)
        {
            _reassembling = packet;
            return;
        }

        await HandleAsync(packet).ConfigureAwait(false);
    }

    public async ValueTask OnCloseAsync(string reason)
    {
        _connectTimer?.Dispose();
        _reassembling?.Dispose();
        _reassembling = null;
        SocketIoSocket[] sockets;
        lock (_gate)
        {
            sockets = [.. _sockets];
        }

        foreach (var socket in sockets)
        {
            await socket.LeaveNamespaceAsync(reason).ConfigureAwait(false);
        }
    }

    public void Connected(SocketIoSocket socket)
    {
        lock (_gate)
        {
            _sockets.Add(socket);
        }

        Interlocked.Exchange(ref _connectTimer, null)?.Dispose();
    }

    public void Disconnected(SocketIoSocket socket)
    {
        lock (_gate)
        {
            _sockets.Remove(socket);
        }
    }

    private async ValueTask HandleAsync(SocketIoPacket packet)
    {
        if (packet.Type == SocketIoPacketType.Connect && Find(packet.Namespace) is null && Server.Namespace(packet.Namespace) is { } connecting)
        {
            // A copy: the packet reads the transport's buffer, which is used again once this returns.
            JsonElement? auth;
            using (packet)
            {
                auth = packet.Data?.RootElement.Clone();
            }

            _connecting = ConnectAsync(connecting, auth);
            return;
        }

        using (packet)
        {
            var socket = Find(packet.Namespace);
            if (packet.Type == SocketIoPacketType.Connect)
            {
                if (socket is not null)
                {
                    Fail("CONNECT to a namespace already connected");
                    return;
                }

                Session.Send(EngineFrame.Text(SocketIoPacketWriter.Packet(SocketIoPacketType.ConnectError, packet.Namespace, """{"message":"Invalid namespace"}"""u8)));
                return;
            }

            if (socket is null)
            {
                Fail("packet for a namespace not connected");
                return;
            }

            switch (packet.Type)
            {
                case SocketIoPacketType.Disconnect:
                    await socket.LeaveNamespaceAsync("client namespace disconnect").ConfigureAwait(false);
                    break;
                case SocketIoPacketType.Event or SocketIoPacketType.BinaryEvent:
                    await socket.Namespace.OnEventAsync(socket, new SocketIoEvent(packet.Data!.RootElement, packet.Attachments, packet.Id)).ConfigureAwait(false);
                    break;
                default:
                    socket.OnAck(packet);
                    break;
            }
        }
    }

    /// <summary>
    /// Sets a namespace connect up off the transport's path (authentication, the namespace's own set-up): the polling
    /// POST that carried it is answered at once, as the reference server answers it. engine.io-client pauses polling to
    /// upgrade only once its POST is answered, and a probe lost in that window left it paused for good (until its ping
    /// timeout): a slow answer widened the window to the whole connect.
    /// </summary>
    private async Task ConnectAsync(SocketIoNamespace nsp, JsonElement? auth)
    {
        await Task.Yield();
        try
        {
            await nsp.OnConnectAsync(new SocketIoSocket(this, nsp), auth).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !Session.IsClosed)
        {
            Server.Diagnostics.HandlerFailed(ex, Session.Id);
            Session.Close("server error", clientInitiated: false);
        }
    }

    private SocketIoSocket? Find(string nsp)
    {
        lock (_gate)
        {
            foreach (var socket in _sockets)
            {
                if (string.Equals(socket.Namespace.Name, nsp, StringComparison.Ordinal))
                {
                    return socket;
                }
            }
        }

        return null;
    }

    private void Fail(string reason)
    {
        Server.Diagnostics.ProtocolError(reason, Session.Id);
        Session.Close("parse error", clientInitiated: false);
    }

    private void OnConnectTimeout()
    {
        bool connected;
        lock (_gate)
        {
            connected = _sockets.Count > 0;
        }

        if (!connected)
        {
            Server.Diagnostics.ProtocolError("no namespace joined within connectTimeout", Session.Id);
            Session.Close("connect timeout", clientInitiated: false);
        }
    }
}

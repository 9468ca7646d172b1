using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Notify.WebSocket.AspNetCore.SocketIo.EngineIo;
using Notify.WebSocket.AspNetCore.SocketIo.Protocol;

namespace Notify.WebSocket.AspNetCore.SocketIo;

/// <summary>
/// A client's connection to one namespace (a Socket.IO "socket"): its id, its rooms, its acknowledgments in both
/// directions, and the way out (the client's DISCONNECT, the server's, or the connection closing).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The token source has no timer or wait handle to release; its token is read for as long as anyone holds the socket.")]
internal sealed class SocketIoSocket
{
    private readonly Lock _gate;
    private CancellationTokenSource? _disconnected;
    private string[] _rooms = [];
    private ConcurrentDictionary<long, TaskCompletionSource<SocketIoAck>>? _acks;
    private long _nextAckId;
    private int _state; // 0 connecting, 1 connected, 2 refused, 3 disconnected
    private List<EngineFrame[]>? _held;

    public SocketIoSocket(SocketIoClient client, SocketIoNamespace @namespace)
    {
        Client = client;
        Namespace = @namespace;
        _gate = client.Session.Gate;
        Span<byte> bytes = stackalloc byte[15];
        RandomNumberGenerator.Fill(bytes);
        Id = System.Buffers.Text.Base64Url.EncodeToString(bytes);
    }

    /// <summary>The socket id (sent in the CONNECT answer), distinct from the Engine.IO session id.</summary>
    public string Id { get; }

    public SocketIoNamespace Namespace { get; }

    public SocketIoClient Client { get; }

    /// <summary>The namespace's own state for this socket.</summary>
    public object? State { get; set; }

    /// <summary>Cancelled when the socket leaves the namespace (its source is made on first use: most sockets never need one).</summary>
    public CancellationToken Disconnected
    {
        get
        {
            lock (_gate)
            {
                if (_disconnected is null)
                {
                    if (Volatile.Read(ref _state) >= 2)
                    {
                        return new CancellationToken(canceled: true);
                    }

                    _disconnected = new CancellationTokenSource();
                }

                return _disconnected.Token;
            }
        }
    }

    public bool IsConnected => Volatile.Read(ref _state) == 1;

    /// <summary>Accepted with its CONNECT answer held, and not opened yet.</summary>
    internal bool IsHeld => Volatile.Read(ref _held) is not null;

    /// <summary>The rooms the socket is in (a copy).</summary>
    public string[] Rooms
    {
        get
        {
            lock (_gate)
            {
                return _rooms;
            }
        }
    }

    /// <summary>Accepts the connection: the CONNECT answer <c>{"sid":…}</c> goes out, and the socket joins the namespace.</summary>
    /// <param name="holdUntilOpened">
    /// Keeps the CONNECT answer, and everything sent to the socket after it, until <see cref="Open"/>: the socket can join
    /// rooms and be sent to while the server sets it up, and the client's <c>connect</c> comes only once that is done.
    /// </param>
    public void Accept(bool holdUntilOpened = false)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            return;
        }

        // Before the socket is in any room, so nothing reaches it ahead of its CONNECT.
        if (holdUntilOpened)
        {
            lock (_gate)
            {
                _held = [];
            }
        }
        else
        {
            Client.Session.Send(EngineFrame.Text(ConnectPacket()));
        }

        Namespace.Rooms.Connected(this);
        Client.Connected(this);
    }

    /// <summary>Sends the CONNECT answer of a socket accepted with <c>holdUntilOpened</c>, then what was sent to it meanwhile, in order.</summary>
    public void Open()
    {
        // The session's gate: nothing sent to the socket can come between the held frames.
        lock (_gate)
        {
            if (_held is not { } held)
            {
                return;
            }

            _held = null;
            if (!IsConnected)
            {
                return;
            }

            Client.Session.Send(EngineFrame.Text(ConnectPacket()));
            foreach (var frames in held)
            {
                Client.Session.Send(frames);
            }
        }
    }

    /// <summary>Refuses the connection with CONNECT_ERROR <c>{"message":…,"data":…}</c> (socket.io-client's <c>connect_error</c>).</summary>
    /// <param name="message">The error's message.</param>
    /// <param name="writeData">Writes the error's <c>data</c> value, if any.</param>
    public void Refuse(string message, Action<Utf8JsonWriter>? writeData = null)
    {
        if (Interlocked.CompareExchange(ref _state, 2, 0) != 0)
        {
            return;
        }

        var packet = SocketIoPacketWriter.Build(SocketIoPacketType.ConnectError, Namespace.Name, id: null, attachments: 0, (message, writeData), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("message"u8, s.message);
            if (s.writeData is not null)
            {
                w.WritePropertyName("data"u8);
                s.writeData(w);
            }

            w.WriteEndObject();
        });
        Client.Session.Send(EngineFrame.Text(packet));
        CancelDisconnected();
    }

    /// <summary>Writes packets to the client (one Socket.IO packet and its attachments, kept together).</summary>
    public void Send(ReadOnlySpan<EngineFrame> frames)
    {
        if (!IsConnected)
        {
            return;
        }

        if (Volatile.Read(ref _held) is not null)
        {
            lock (_gate)
            {
                if (_held is { } held)
                {
                    held.Add(frames.ToArray());
                    return;
                }
            }
        }

        Client.Session.Send(frames);
    }

    /// <summary>Emits an event whose payload array (the name first) <paramref name="writePayload"/> writes.</summary>
    public void Emit(Action<Utf8JsonWriter> writePayload, IReadOnlyList<ReadOnlyMemory<byte>>? attachments = null) =>
        Send(Frames(SocketIoPacketType.Event, writePayload, attachments, id: null));

    /// <summary>Emits an event and waits for the client's acknowledgment.</summary>
    /// <returns>The acknowledgment's arguments.</returns>
    /// <exception cref="TimeoutException">No acknowledgment within <paramref name="timeout"/>.</exception>
    /// <exception cref="OperationCanceledException">The socket disconnected first.</exception>
    public async Task<SocketIoAck> EmitWithAckAsync(Action<Utf8JsonWriter> writePayload, TimeSpan timeout, IReadOnlyList<ReadOnlyMemory<byte>>? attachments = null)
    {
        var id = Interlocked.Increment(ref _nextAckId);
        var pending = new TaskCompletionSource<SocketIoAck>(TaskCreationOptions.RunContinuationsAsynchronously);
        var acks = _acks ?? Interlocked.CompareExchange(ref _acks, new(), null) ?? _acks!;
        acks[id] = pending;
        try
        {
            Send(Frames(SocketIoPacketType.Event, writePayload, attachments, id));
            return await pending.Task.WaitAsync(timeout, Client.Server.TimeProvider, Disconnected).ConfigureAwait(false);
        }
        finally
        {
            acks.TryRemove(id, out _);
        }
    }

    /// <summary>Answers a client's event that asked for an acknowledgment; <paramref name="writeArguments"/> writes the answer's array.</summary>
    public void Ack(long id, Action<Utf8JsonWriter> writeArguments, IReadOnlyList<ReadOnlyMemory<byte>>? attachments = null) =>
        Send(Frames(SocketIoPacketType.Ack, writeArguments, attachments, id));

    public void Join(string room)
    {
        lock (_gate)
        {
            if (Volatile.Read(ref _state) != 1 || Array.IndexOf(_rooms, room) >= 0)
            {
                return;
            }

            _rooms = [.. _rooms, room];
        }

        Namespace.Rooms.Join(room, this);
    }

    public void Leave(string room)
    {
        lock (_gate)
        {
            var index = Array.IndexOf(_rooms, room);
            if (index < 0)
            {
                return;
            }

            _rooms = [.. _rooms.AsSpan(0, index), .. _rooms.AsSpan(index + 1)];
        }

        Namespace.Rooms.Leave(room, this);
    }

    /// <summary>
    /// The server ends the socket: a DISCONNECT packet (the client does not reconnect; none while the socket is still
    /// held, what was held is dropped), then, with <paramref name="closeConnection"/>, the whole connection.
    /// </summary>
    public async ValueTask DisconnectAsync(bool closeConnection)
    {
        bool opened;
        lock (_gate)
        {
            opened = _held is null;
            _held = null;
        }

        // A socket still held never told its client it connected: nothing to take back.
        if (IsConnected && opened)
        {
            Client.Session.Send(EngineFrame.Text(SocketIoPacketWriter.Packet(SocketIoPacketType.Disconnect, Namespace.Name, [])));
        }

        await LeaveNamespaceAsync("server namespace disconnect").ConfigureAwait(false);
        if (closeConnection)
        {
            Client.Session.CloseAfterFlush("forced close");
        }
    }

    /// <summary>The client acknowledged an event of ours.</summary>
    public void OnAck(SocketIoPacket packet)
    {
        if (_acks is { } acks && acks.TryRemove(packet.Id!.Value, out var pending))
        {
            pending.TrySetResult(new SocketIoAck(packet.Data!.RootElement.Clone(), [.. packet.Attachments]));
        }
    }

    /// <summary>Leaves the namespace once: rooms, pending acks, the namespace's handler.</summary>
    public async ValueTask LeaveNamespaceAsync(string reason)
    {
        var previous = Interlocked.Exchange(ref _state, 3);
        if (previous == 3)
        {
            return;
        }

        string[] rooms;
        lock (_gate)
        {
            rooms = _rooms;
            _rooms = [];
        }

        foreach (var room in rooms)
        {
            Namespace.Rooms.Leave(room, this);
        }

        CancelDisconnected();
        if (previous == 1)
        {
            Namespace.Rooms.Disconnected(this);
            Client.Disconnected(this);
            await Namespace.OnDisconnectAsync(this, reason).ConfigureAwait(false);
        }
    }

    private void CancelDisconnected()
    {
        CancellationTokenSource? disconnected;
        lock (_gate)
        {
            disconnected = _disconnected;
        }

        disconnected?.Cancel();
    }

    private byte[] ConnectPacket() =>
        SocketIoPacketWriter.Build(SocketIoPacketType.Connect, Namespace.Name, id: null, attachments: 0, Id, static (w, id) =>
        {
            w.WriteStartObject();
            w.WriteString("sid"u8, id);
            w.WriteEndObject();
        });

    /// <summary>
    /// The frames of a packet: the text packet, then the attachments. The payload is written with placeholders
    /// already in it (the attachments are numbered in order).
    /// </summary>
    private EngineFrame[] Frames(SocketIoPacketType type, Action<Utf8JsonWriter> writePayload, IReadOnlyList<ReadOnlyMemory<byte>>? attachments, long? id)
    {
        var count = attachments?.Count ?? 0;
        if (count > 0)
        {
            type = type == SocketIoPacketType.Ack ? SocketIoPacketType.BinaryAck : SocketIoPacketType.BinaryEvent;
        }

        var frames = new EngineFrame[1 + count];
        frames[0] = EngineFrame.Text(SocketIoPacketWriter.Build(type, Namespace.Name, id, count, writePayload, static (w, write) => write(w)));
        for (var i = 0; i < count; i++)
        {
            frames[i + 1] = EngineFrame.Binary(attachments![i]);
        }

        return frames;
    }

    /// <summary>Writes the placeholder of attachment <paramref name="index"/> (<c>{"_placeholder":true,"num":N}</c>).</summary>
    public static void WritePlaceholder(Utf8JsonWriter writer, int index)
    {
        writer.WriteStartObject();
        writer.WriteBoolean("_placeholder"u8, true);
        writer.WriteNumber("num"u8, index);
        writer.WriteEndObject();
    }
}

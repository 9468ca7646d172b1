using System.Collections.Concurrent;
using Notify.WebSocket.AspNetCore.SocketIo.EngineIo;

namespace Notify.WebSocket.AspNetCore.SocketIo;

/// <summary>
/// The rooms of one namespace on this instance: each room's members as an immutable array replaced on join and leave
/// (rare), so a broadcast (frequent) walks a plain array without locking or allocating.
/// </summary>
internal sealed class SocketIoRooms
{
    private readonly ConcurrentDictionary<string, SocketIoSocket[]> _rooms = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private SocketIoSocket[] _all = [];

    /// <summary>Rooms with members here.</summary>
    public int Count => _rooms.Count;

    public bool Has(string room) => _rooms.ContainsKey(room);

    public SocketIoSocket[] Members(string room) => _rooms.TryGetValue(room, out var members) ? members : [];

    /// <summary>Every connected socket of the namespace.</summary>
    public SocketIoSocket[] All => Volatile.Read(ref _all);

    public void Connected(SocketIoSocket socket)
    {
        lock (_gate)
        {
            _all = [.. _all, socket];
        }
    }

    public void Disconnected(SocketIoSocket socket)
    {
        lock (_gate)
        {
            _all = Without(_all, socket);
        }
    }

    public void Join(string room, SocketIoSocket socket)
    {
        lock (_gate)
        {
            var members = _rooms.TryGetValue(room, out var existing) ? existing : [];
            if (Array.IndexOf(members, socket) < 0)
            {
                _rooms[room] = [.. members, socket];
            }
        }
    }

    public void Leave(string room, SocketIoSocket socket)
    {
        lock (_gate)
        {
            if (!_rooms.TryGetValue(room, out var members))
            {
                return;
            }

            var remaining = Without(members, socket);
            if (remaining.Length == 0)
            {
                _rooms.TryRemove(room, out _);
            }
            else
            {
                _rooms[room] = remaining;
            }
        }
    }

    /// <summary>Writes one packet (and its attachments) to every member of the rooms, once per socket, skipping members of <paramref name="except"/>.</summary>
    /// <returns>How many sockets it was written to.</returns>
    public int Broadcast(IReadOnlyCollection<string> rooms, IReadOnlyCollection<string> except, ReadOnlySpan<EngineFrame> frames)
    {
        if (rooms.Count == 1 && except.Count == 0)
        {
            var members = Members(rooms.First());
            foreach (var member in members)
            {
                member.Send(frames);
            }

            return members.Length;
        }

        var targets = new HashSet<SocketIoSocket>();
        if (rooms.Count == 0)
        {
            targets.UnionWith(All);
        }
        else
        {
            foreach (var room in rooms)
            {
                targets.UnionWith(Members(room));
            }
        }

        foreach (var room in except)
        {
            targets.ExceptWith(Members(room));
        }

        foreach (var target in targets)
        {
            target.Send(frames);
        }

        return targets.Count;
    }

    private static SocketIoSocket[] Without(SocketIoSocket[] members, SocketIoSocket socket)
    {
        var index = Array.IndexOf(members, socket);
        if (index < 0)
        {
            return members;
        }

        var result = new SocketIoSocket[members.Length - 1];
        members.AsSpan(0, index).CopyTo(result);
        members.AsSpan(index + 1).CopyTo(result.AsSpan(index));
        return result;
    }
}

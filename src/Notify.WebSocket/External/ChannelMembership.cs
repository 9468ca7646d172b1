namespace Notify.WebSocket.External;

/// <summary>
/// The channels a pooled connection should be in (reference-counted across the providers sharing it) and the ones
/// it joined on the current socket. The writer brings the socket in line with the wanted set before anything else
/// it writes, so a join or leave made during a reconnect is never lost between the two.
/// </summary>
internal sealed class ChannelMembership
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _wanted = new(StringComparer.Ordinal);
    private readonly HashSet<string> _onSocket = new(StringComparer.Ordinal);
    private volatile bool _changed;

    /// <summary>Whether the socket's channels differ from the wanted ones.</summary>
    public bool HasChanges => _changed;

    public bool IsEmpty
    {
        get
        {
            lock (_gate)
            {
                return _wanted.Count == 0;
            }
        }
    }

    public void Add(IEnumerable<string> channels)
    {
        lock (_gate)
        {
            foreach (var channel in channels)
            {
                var count = _wanted.GetValueOrDefault(channel);
                _wanted[channel] = count + 1;
                _changed |= count == 0 && !_onSocket.Contains(channel);
            }
        }
    }

    public void Remove(IEnumerable<string> channels)
    {
        lock (_gate)
        {
            foreach (var channel in channels)
            {
                if (_wanted.TryGetValue(channel, out var count) && (_wanted[channel] = count - 1) == 0)
                {
                    _wanted.Remove(channel);
                    _changed |= _onSocket.Contains(channel);
                }
            }
        }
    }

    /// <summary>A new socket is in no channel.</summary>
    public void NewSocket()
    {
        lock (_gate)
        {
            _onSocket.Clear();
            _changed = _wanted.Count > 0;
        }
    }

    /// <summary>
    /// What to write to bring the socket in line, counted as done: a write that fails kills the socket, and the next
    /// socket starts from <see cref="NewSocket"/>.
    /// </summary>
    public (List<string> Join, List<string> Leave) TakeChanges()
    {
        lock (_gate)
        {
            var join = _wanted.Keys.Where(c => !_onSocket.Contains(c)).ToList();
            var leave = _onSocket.Where(c => !_wanted.ContainsKey(c)).ToList();
            _onSocket.UnionWith(join);
            _onSocket.ExceptWith(leave);
            _changed = false;
            return (join, leave);
        }
    }
}

using System.Net;
using System.Net.Sockets;

namespace Notify.WebSocket.AspNetCore.Tests.TestSupport;

/// <summary>
/// A loopback TCP forwarder to a real server, which a test cuts and restores: a network partition between the clients
/// that go through it and the server, while other clients of the same server stay connected. It can also hold what the
/// clients send (connections open, the server's replies flowing) and let it go later: a slow link in one direction.
/// </summary>
internal sealed class TcpForwarder : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;
    private bool _cut;
    private TaskCompletionSource _flowing = Flowing();
    private long _heldBytes;

    private TcpForwarder(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>Bytes the clients sent since <see cref="Hold"/> that the server has not been given.</summary>
    public long HeldBytes => Interlocked.Read(ref _heldBytes);

    public static TcpForwarder Start(int targetPort) => new(targetPort);

    /// <summary>Closes every forwarded connection and refuses new ones (accepted, then closed at once).</summary>
    public void Cut()
    {
        lock (_gate)
        {
            _cut = true;
            foreach (var client in _open)
            {
                client.Dispose();
            }

            _open.Clear();
        }
    }

    /// <summary>Forwards new connections again.</summary>
    public void Restore()
    {
        lock (_gate)
        {
            _cut = false;
        }
    }

    /// <summary>Holds what the clients send from now on (the connections stay open) until <see cref="Release"/>.</summary>
    public void Hold()
    {
        lock (_gate)
        {
            if (_flowing.Task.IsCompleted)
            {
                _flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Gives the server what was held, in order, and forwards at once again.</summary>
    public void Release()
    {
        lock (_gate)
        {
            Interlocked.Exchange(ref _heldBytes, 0);
            _flowing.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await _stop.CancelAsync();
        _listener.Stop();
        Cut();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var upstream = new TcpClient();
            try
            {
                lock (_gate)
                {
                    if (_cut)
                    {
                        client.Dispose();
                        upstream.Dispose();
                        continue;
                    }
                }

                await upstream.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
                lock (_gate)
                {
                    _open.Add(client);
                    _open.Add(upstream);
                }

                _ = PipeAsync(client, upstream, toServer: true);
                _ = PipeAsync(upstream, client, toServer: false);
            }
            catch (SocketException)
            {
                client.Dispose();
                upstream.Dispose();
            }
        }
    }

    private async Task PipeAsync(TcpClient from, TcpClient to, bool toServer)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            var source = from.GetStream();
            var target = to.GetStream();
            while (true)
            {
                var read = await source.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    return;
                }

                if (toServer)
                {
                    Task flowing;
                    lock (_gate)
                    {
                        flowing = _flowing.Task;
                        if (!flowing.IsCompleted)
                        {
                            Interlocked.Add(ref _heldBytes, read);
                        }
                    }

                    await flowing.WaitAsync(_stop.Token);
                }

                await target.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }

    private static TaskCompletionSource Flowing()
    {
        var flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        flowing.SetResult();
        return flowing;
    }
}

using System.Net;
using System.Net.Sockets;

namespace Notify.WebSocket.AspNetCore.Tests.TestSupport;

/// <summary>
/// A loopback TCP forwarder to a real server, which a test cuts and restores: a network partition between the clients
/// that go through it and the server, while other clients of the same server stay connected.
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

    private TcpForwarder(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

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

    public async ValueTask DisposeAsync()
    {
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

                _ = PipeAsync(client, upstream);
                _ = PipeAsync(upstream, client);
            }
            catch (SocketException)
            {
                client.Dispose();
                upstream.Dispose();
            }
        }
    }

    private async Task PipeAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream(), _stop.Token);
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
}

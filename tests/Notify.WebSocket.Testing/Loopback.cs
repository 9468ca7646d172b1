using System.Net;
using System.Net.Sockets;

namespace Notify.WebSocket.Testing;

/// <summary>For servers that cannot listen on port 0 and report the port they got (redis-server, a child host).</summary>
public static class Loopback
{
    /// <summary>A port free on 127.0.0.1 right now (the OS hands out a fresh one, so another process is unlikely to take it first).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

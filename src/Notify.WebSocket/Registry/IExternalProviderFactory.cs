namespace Notify.WebSocket.Registry;

/// <summary>Creates external providers for one protocol; each transport registers one.</summary>
internal interface IExternalProviderFactory
{
    WebSocketProtocol Protocol { get; }

    WebSocketProviderBase Create(string tenantId, WebSocketProviderOptions options, ConnectionPool pool);
}

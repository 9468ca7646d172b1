namespace Notify.WebSocket.Registry;

/// <summary>Creates external providers for one protocol; each transport registers one.</summary>
internal interface IExternalProviderFactory
{
    WebSocketProtocol Protocol { get; }

    /// <summary>Creates a tenant's provider.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="options">The tenant's options.</param>
    /// <param name="pool">The pool to lease a connection from.</param>
    /// <param name="owner">Who the provider is (its provider name and tenant), for the connection lease.</param>
    /// <param name="predecessor">The provider this one replaces after a configuration change, still open; when only
    /// credentials changed and it holds its connection alone, the new provider takes the connection over.</param>
    WebSocketProviderBase Create(string tenantId, WebSocketProviderOptions options, ConnectionPool pool, string owner, WebSocketProviderBase? predecessor = null);
}

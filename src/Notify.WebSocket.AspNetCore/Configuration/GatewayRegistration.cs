namespace Notify.WebSocket.AspNetCore.Configuration;

/// <summary>
/// What the gateway serves: the provider configuration (for the tenants' default channels) and, when
/// <c>AddSignalRGateway</c> registered one, the hub type to map (null with Socket.IO alone).
/// </summary>
internal sealed record GatewayRegistration(string ProviderName, Type? HubType);

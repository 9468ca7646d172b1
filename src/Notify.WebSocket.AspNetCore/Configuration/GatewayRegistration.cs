namespace Notify.WebSocket.AspNetCore.Configuration;

/// <summary>What <c>AddSignalRGateway</c> registered: the provider configuration it serves and the hub type to map.</summary>
internal sealed record GatewayRegistration(string ProviderName, Type HubType);

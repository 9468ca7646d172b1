using System.Text.Json.Serialization;

namespace Notify.WebSocket.AspNetCore.Gateway;

/// <summary>The body of <c>channel:joined</c> and <c>channel:left</c>.</summary>
internal sealed record ChannelEvent(string ChannelName);

/// <summary>The body of <c>error</c>: the spec's <c>{ message }</c>, plus a stable code and the channel concerned (left out when none).</summary>
internal sealed record GatewayError(string Message, string Code, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ChannelName = null);

using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Notify.WebSocket.Serialization;

namespace Notify.WebSocket;

/// <summary>
/// How Notify.WebSocket turns host values into JSON and back: <see cref="NotificationContent.Data"/> and
/// <see cref="QueryRequest.Data"/> sent to an external server, and the responses <c>QueryAsync&lt;T&gt;</c> returns.
/// Set it with <c>.ConfigureJson(...)</c> on the builder <c>AddWebSocketNotifications</c> returns, the way SignalR's
/// <c>PayloadSerializerOptions</c> is set.
/// </summary>
/// <remarks>
/// Under trimming or Native AOT, System.Text.Json has no reflection: put the host's own types into a
/// <c>JsonSerializerContext</c> and insert it first,
/// <c>o.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default)</c>. JSON documents and nodes,
/// strings, numbers and string-keyed dictionaries work without one. A value whose type no resolver knows fails its send
/// with <see cref="WebSocketErrorCodes.SerializationError"/> (a query throws it), naming the type.
/// </remarks>
public sealed class WebSocketNotificationsJsonOptions
{
    /// <summary>
    /// The serializer options: web defaults (camelCase names), resolving through the built-in metadata and, where the
    /// application allows reflection, System.Text.Json's reflection resolver (last in the chain).
    /// </summary>
    public JsonSerializerOptions PayloadSerializerOptions { get; set; } = CreateDefault();

    internal static JsonSerializerOptions CreateDefault()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        AddDefaultResolvers(options);
        return options;
    }

    /// <summary>Options a host built itself without any resolver get the default chain (before they are frozen by first use).</summary>
    internal static JsonSerializerOptions Ready(JsonSerializerOptions options)
    {
        if (!options.IsReadOnly && options.TypeInfoResolver is null)
        {
            AddDefaultResolvers(options);
        }

        options.MakeReadOnly();
        return options;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Reflection is only added while JsonSerializer.IsReflectionEnabledByDefault, which trimmed and AOT applications turn off: the trimmer removes that branch.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "As above: the reflection resolver is unreachable in AOT applications.")]
    private static void AddDefaultResolvers(JsonSerializerOptions options)
    {
        options.TypeInfoResolverChain.Add(NotifyJsonContext.Default);
        if (JsonSerializer.IsReflectionEnabledByDefault)
        {
            options.TypeInfoResolverChain.Add(new DefaultJsonTypeInfoResolver());
        }
    }
}

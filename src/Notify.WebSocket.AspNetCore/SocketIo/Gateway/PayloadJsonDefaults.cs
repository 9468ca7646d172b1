using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Notify.WebSocket.AspNetCore.SocketIo.Gateway;

/// <summary>
/// The default options for notification data: the web defaults, with reflection-based metadata only while the app
/// allows reflection-based serialization (the pattern of ASP.NET Core's own JSON options). Trimmed and Native AOT apps
/// turn that off and get an empty resolver chain, to which they add their <c>JsonSerializerContext</c>.
/// </summary>
internal static class PayloadJsonDefaults
{
    public static JsonSerializerOptions Create() => new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = JsonSerializer.IsReflectionEnabledByDefault ? ReflectionResolver() : JsonTypeInfoResolver.Combine(),
    };

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Reached only while reflection-based serialization is enabled (JsonSerializer.IsReflectionEnabledByDefault), which trimming and Native AOT turn off.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Reached only while reflection-based serialization is enabled (JsonSerializer.IsReflectionEnabledByDefault), which Native AOT turns off.")]
    private static DefaultJsonTypeInfoResolver ReflectionResolver() => new();
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Notify.WebSocket.AotSample;

/// <summary>
/// The sample's own types, source-generated: Native AOT has no reflection for System.Text.Json. Web defaults, like
/// Notify.WebSocket's PayloadSerializerOptions, so <c>AppJsonContext.Default.EchoResponse</c> reads camelCase too.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AlertData))]
[JsonSerializable(typeof(EchoResponse))]
internal sealed partial class AppJsonContext : JsonSerializerContext;

/// <summary>The <c>Data</c> of the sample's notifications.</summary>
internal sealed record AlertData(string Type, string Severity, int Attempt);

/// <summary>What the reference ws server answers to a query: the event and the data it received.</summary>
internal sealed record EchoResponse(string Event, AlertData Echo);

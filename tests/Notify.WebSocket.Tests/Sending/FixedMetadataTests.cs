namespace Notify.WebSocket.Tests.Sending;

public sealed class FixedMetadataTests
{
    [Fact]
    public void BehavesAsAReadOnlyDictionaryOfItsEntries()
    {
        var metadata = new FixedMetadata<object?>("deliveredConnections", 3, "mode", "internal");

        Assert.Equal(2, metadata.Count);
        Assert.Equal(3, metadata["deliveredConnections"]);
        Assert.Equal("internal", metadata["mode"]);
        Assert.True(metadata.ContainsKey("mode"));
        Assert.False(metadata.ContainsKey("MODE"));
        Assert.False(metadata.TryGetValue("acknowledged", out _));
        Assert.Throws<KeyNotFoundException>(() => metadata["acknowledged"]);
        Assert.Equal(["deliveredConnections", "mode"], metadata.Keys);
        Assert.Equal([3, "internal"], metadata.Values);
        Assert.Equal(
            new Dictionary<string, object?>(StringComparer.Ordinal) { ["deliveredConnections"] = 3, ["mode"] = "internal" },
            metadata.ToDictionary(StringComparer.Ordinal));
    }

    [Fact]
    public void OneEntry()
    {
        var metadata = new FixedMetadata<string>("serverTimestamp", "2025-01-08T19:00:00.000Z");

        Assert.Single(metadata);
        Assert.Equal("2025-01-08T19:00:00.000Z", metadata["serverTimestamp"]);
        Assert.Equal(["serverTimestamp"], metadata.Keys);
        Assert.Equal(
            """{"serverTimestamp":"2025-01-08T19:00:00.000Z"}""",
            System.Text.Json.JsonSerializer.Serialize<IReadOnlyDictionary<string, string>>(metadata));
    }

    [Fact]
    public void AResultPrintsItsMetadata_NotTheTypeName()
    {
        var result = SendResult.Succeeded("m-1", DateTimeOffset.UnixEpoch, new FixedMetadata<object?>("deliveredConnections", 2, "mode", "internal"));

        Assert.Contains("Metadata = { deliveredConnections = 2, mode = internal }", result.ToString(), StringComparison.Ordinal);
    }
}

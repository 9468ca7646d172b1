using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Notify.WebSocket.Tests.TestSupport;

/// <summary>A container configured for external mode against a peer, with captured logs and a recording strategy.</summary>
internal sealed class ExternalHarness : IAsyncDisposable
{
    private readonly string _spool;

    private ExternalHarness(ServiceProvider services, CapturingLoggerProvider logs, RecordingStrategy strategy, string spool)
    {
        _spool = spool;
        Services = services;
        Logs = logs;
        Strategy = strategy;
    }

    public ServiceProvider Services { get; }

    public CapturingLoggerProvider Logs { get; }

    public RecordingStrategy Strategy { get; }

    public ProviderRegistry Registry => Services.GetRequiredService<ProviderRegistry>();

    /// <summary>
    /// <paramref name="extraJson"/> is spliced into <c>{ mode: external, protocol, url, fast reconnection, … }</c>, and
    /// may override any of it.
    /// </summary>
    public static ExternalHarness Create(Uri url, string extraJson = "", TimeProvider? time = null, string protocol = "ws", Action<IWebSocketNotificationsBuilder>? builder = null)
    {
        var logs = new CapturingLoggerProvider();
        var strategy = new RecordingStrategy();
        var section = JsonNode.Parse($$"""
            {
              "mode": "external", "protocol": "{{protocol}}", "url": "{{url}}",
              "reconnectionDelay": 20, "maxReconnectionDelay": 200, "reconnectionAttempts": 200, "timeout": 5000
            }
            """)!.AsObject();
        foreach (var (key, value) in JsonNode.Parse("{" + extraJson + "}")!.AsObject().ToList())
        {
            section[key] = value?.DeepClone();
        }

        // Each harness spools to its own file: tests never pick up each other's pending messages.
        var spool = Path.Combine(Path.GetTempPath(), "notify-test-spool-" + Guid.NewGuid().ToString("N"));
        var handling = section["messageHandling"] as JsonObject ?? new JsonObject();
        handling["spoolPath"] ??= spool;
        section["messageHandling"] = handling;
        var json = section.ToJsonString();
        var services = TestServices.FromSection(json, b => { strategy.AddTo(b); builder?.Invoke(b); }, services: s =>
        {
            s.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
            if (time is not null)
            {
                s.AddSingleton(time);
            }
        });
        return new ExternalHarness(services, logs, strategy, spool);
    }

    public async Task<IWebSocketProvider> ProviderAsync(string tenantId = "1") =>
        await Registry.GetProviderAsync(tenantId, TestContext.Current.CancellationToken);

    /// <summary>A provider that has connected.</summary>
    public async Task<IWebSocketProvider> ConnectedAsync(string tenantId = "1")
    {
        var provider = await ProviderAsync(tenantId);
        var validation = await provider.ValidateAsync(TestContext.Current.CancellationToken);
        Assert.True(validation.IsValid, validation.Error?.Message);
        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        if (Directory.Exists(_spool))
        {
            Directory.Delete(_spool, recursive: true);
        }
    }
}

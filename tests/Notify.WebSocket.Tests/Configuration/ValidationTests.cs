using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.Configuration;

public sealed class ValidationTests
{
    private const string Root = "Notifications:WebSocket";

    private const string BearerNeedsAToken = "authToken is required when authType is \"bearer\" (or register a token provider with .AddBearerTokenProvider(…) on the builder AddWebSocketNotifications returns).";

    private static IReadOnlyList<string> Failures(string json, Action<IWebSocketNotificationsBuilder>? builder = null)
    {
        using var services = TestServices.FromSection(json, builder);
        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptionsMonitor<WebSocketProviderOptions>>().Get("websocket"));
        return [.. ex.Failures];
    }

    [Fact]
    public void External_WithoutUrl_NamesTheKeyAndTheFix()
    {
        var failures = Failures("""{ "mode": "external", "protocol": "ws" }""");

        Assert.Contains($"{Root}:url is required when mode is \"external\"; set it to the server's ws://, wss://, http:// or https:// address.", failures);
    }

    [Theory]
    [InlineData("ftp://example.com/ws")]
    [InlineData("not a url")]
    [InlineData("/relative/path")]
    public void External_WithUnsupportedUrl_Fails(string url)
    {
        var failures = Failures($$"""{ "mode": "external", "protocol": "ws", "url": "{{url}}" }""");

        Assert.Contains(failures, f => f.StartsWith($"{Root}:url ", StringComparison.Ordinal) && f.Contains("is not an absolute ws://, wss://, http:// or https:// URL", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ws://127.0.0.1:1/ws")]
    [InlineData("wss://example.com")]
    [InlineData("http://example.com")]
    [InlineData("https://example.com")]
    public void External_WithSupportedUrl_IsValid(string url)
    {
        using var services = TestServices.FromSection($$"""{ "mode": "external", "protocol": "ws", "url": "{{url}}" }""");

        var options = services.GetRequiredService<IOptionsMonitor<WebSocketProviderOptions>>().Get("websocket");

        Assert.Equal(url, options.Url);
    }

    [Fact]
    public void External_WithoutProtocol_Fails()
    {
        var failures = Failures("""{ "mode": "external", "url": "ws://x" }""");

        Assert.Contains($"{Root}:protocol is required when mode is \"external\"; use \"ws\" or \"socketio\".", failures);
    }

    [Fact]
    public async Task SocketIo_WithoutAddSocketIo_StopsTheHostAtStart_NamingTheLine()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Notifications:WebSocket:mode"] = "external",
            ["Notifications:WebSocket:protocol"] = "socketio",
            ["Notifications:WebSocket:url"] = "https://notifications.example.com",
        });
        builder.Services.AddWebSocketNotifications(builder.Configuration.GetSection("Notifications:WebSocket"));
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Equal(
            $"{Root}:protocol is \"socketio\" but the Socket.IO transport is not added; call .AddSocketIo() on the builder AddWebSocketNotifications returns.",
            Assert.Single(ex.Failures));
    }

    [Fact]
    public void Bearer_WithoutToken_Fails() =>
        Assert.Contains($"{Root}:{BearerNeedsAToken}", Failures("""{ "authType": "bearer" }"""));

    [Fact]
    public void Bearer_WithoutToken_IsValid_WhenATokenProviderIsRegistered()
    {
        using var services = TestServices.FromSection(
            """{ "mode": "external", "protocol": "ws", "url": "ws://127.0.0.1:9/ws", "authType": "bearer", "tenants": { "7": { "timeout": 1000 } } }""",
            b => b.AddBearerTokenProvider((_, _) => ValueTask.FromResult("from-the-vault")));
        var monitor = services.GetRequiredService<IOptionsMonitor<WebSocketProviderOptions>>();

        Assert.Null(monitor.Get("websocket").AuthToken);
        Assert.Equal(1000, monitor.Get("websocket:tenants:7").Timeout);
    }

    [Fact]
    public void Bearer_TokenProviderOfAnotherProviderConfiguration_DoesNotExcuseAMissingToken()
    {
        var collection = new ServiceCollection().AddLogging();
        var configuration = TestServices.Configuration("""{ "a": { "authType": "bearer" }, "b": { "authType": "bearer" } }""");
        collection.AddWebSocketNotifications(configuration.GetSection("a"), "a").AddBearerTokenProvider((_, _) => ValueTask.FromResult("t"));
        collection.AddWebSocketNotifications(configuration.GetSection("b"), "b");
        using var services = collection.BuildServiceProvider();
        var monitor = services.GetRequiredService<IOptionsMonitor<WebSocketProviderOptions>>();

        Assert.Equal("bearer", monitor.Get("a").AuthType);
        Assert.Equal($"b:{BearerNeedsAToken}", Assert.Single(Assert.Throws<OptionsValidationException>(() => monitor.Get("b")).Failures));
    }

    [Fact]
    public void CustomAuthType_IsValidatedByItsOwnValidator_ByFullKeyPath_PerTenant()
    {
        var failures = Failures(
            """{ "authType": "api-key", "authHeaders": { "X-Api-Key": "k" }, "tenants": { "7": { "authHeaders": { "Other": "x" } } } }""",
            b => b.AddAuthStrategy<ApiKeyAuthStrategy>());

        Assert.Equal([$"{Root}:tenants:7:authHeaders:X-Api-Key is required when authType is \"api-key\"; add the tenant's key."], failures);
    }

    [Fact]
    public void CustomAuthType_WhoseValidatorIsSatisfied_IsValid()
    {
        using var services = TestServices.FromSection("""{ "authType": "api-key", "authHeaders": { "X-Api-Key": "k" } }""", b => b.AddAuthStrategy<ApiKeyAuthStrategy>());

        Assert.Equal("api-key", services.GetRequiredService<IOptionsMonitor<WebSocketProviderOptions>>().Get("websocket").AuthType);
    }

    /// <summary>authType "api-key": the X-Api-Key header, which it requires.</summary>
    private sealed class ApiKeyAuthStrategy : IAuthStrategy
    {
        public string AuthType => "api-key";

        public ValueTask ApplyAsync(AuthContext context, CancellationToken cancellationToken)
        {
            context.Request.Headers["X-Api-Key"] = context.Options.AuthHeaders["X-Api-Key"];
            return ValueTask.CompletedTask;
        }

        public IEnumerable<string> Validate(WebSocketProviderOptions options)
        {
            if (!options.AuthHeaders.ContainsKey("X-Api-Key"))
            {
                yield return "authHeaders:X-Api-Key is required when authType is \"api-key\"; add the tenant's key.";
            }
        }
    }

    [Fact]
    public void Basic_WithoutUsername_Fails() =>
        Assert.Contains($"{Root}:username is required when authType is \"basic\".", Failures("""{ "authType": "basic", "password": "p" }"""));

    [Fact]
    public void Query_WithoutAuthQuery_Fails() =>
        Assert.Contains($"{Root}:authQuery must hold at least one parameter when authType is \"query\".", Failures("""{ "authType": "query" }"""));

    [Fact]
    public void Custom_WithoutHeaders_Fails() =>
        Assert.Contains($"{Root}:authHeaders must hold at least one header when authType is \"custom\".", Failures("""{ "authType": "custom" }"""));

    [Theory]
    [InlineData("""{ "authType": "custom", "authHeaders": { "Bad Header": "SECRET-1" } }""", "authHeaders:Bad Header is not a valid HTTP header name")]
    [InlineData("""{ "authType": "custom", "authHeaders": { "X-Key\u000d": "SECRET-1" } }""", "authHeaders:X-Key\\u000d is not a valid HTTP header name")]
    [InlineData("""{ "authType": "custom", "authHeaders": { "X-Key": "SECRET-1\r\nX-Injected: yes" } }""", "authHeaders:X-Key has a value no HTTP header can carry")]
    [InlineData("""{ "authType": "custom", "authHeaders": { "X-Key": "SECRET-1\u00e9" } }""", "authHeaders:X-Key has a value no HTTP header can carry")]
    [InlineData("""{ "authType": "bearer", "authToken": "SECRET-1\nX-Injected: yes" }""", "authToken holds a character no HTTP header can carry")]
    public void Credentials_NoHttpHeaderCanCarry_FailAtStart_WithoutShowingTheSecret(string json, string expected)
    {
        var failures = Failures(json);

        Assert.Contains(failures, f => f.StartsWith($"{Root}:{expected}", StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.Contains("SECRET-1", StringComparison.Ordinal) || f.Contains("Injected", StringComparison.Ordinal));
    }

    [Fact]
    public void Custom_WithHeadersAnHttpRequestCarries_Passes() =>
        Assert.DoesNotContain(
            Failures("""{ "mode": "external", "protocol": "ws", "authType": "custom", "authHeaders": { "X-Api-Key": "k v\t1!~", "x_trace.id": "a" } }"""), // fails for its missing url alone
            f => f.Contains("authHeaders", StringComparison.Ordinal));

    [Fact]
    public void UnknownMode_ListsTheAcceptedValues() =>
        Assert.Contains($"{Root}:mode has the unknown value \"hybrid\"; use \"internal\" or \"external\".", Failures("""{ "mode": "hybrid" }"""));

    [Fact]
    public void UnknownProtocol_ListsTheAcceptedValues_AndIsNotAlsoCalledMissing()
    {
        var failures = Failures("""{ "mode": "external", "url": "ws://127.0.0.1:9/ws", "protocol": "mqtt" }""");

        Assert.Equal([$"{Root}:protocol has the unknown value \"mqtt\"; use \"ws\" or \"socketio\"."], failures.Where(f => f.Contains(":protocol", StringComparison.Ordinal)));
    }

    [Fact]
    public void UnknownAuthType_ListsTheAcceptedValues()
    {
        var failure = Assert.Single(Failures("""{ "authType": "oauth" }"""));

        Assert.StartsWith($"{Root}:authType has the unknown value \"oauth\"; use one of ", failure, StringComparison.Ordinal);
        Assert.Contains("\"bearer\"", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownStrategy_ListsTheAcceptedValues() =>
        Assert.Contains(
            $"{Root}:messageHandling:strategy is \"email\" but no strategy of that name is added; use one of \"none\", \"all\", \"callback\", \"database\", or add it on the builder AddWebSocketNotifications returns (AddHandlingStrategy, or the Add… method of the package that provides it).",
            Failures("""{ "messageHandling": { "strategy": "email" } }"""));

    [Theory]
    [InlineData("reconnectionAttempts", "0 or greater")]
    [InlineData("reconnectionDelay", "0 or greater")]
    [InlineData("timeout", "greater than 0")]
    [InlineData("requestTimeout", "greater than 0")]
    [InlineData("heartbeatInterval", "0 or greater")]
    [InlineData("sendQueueCapacity", "0 or greater")]
    public void NegativeNumbers_Fail(string key, string expectation) =>
        Assert.Contains($"{Root}:{key} is -1; it must be {expectation}", string.Join("\n", Failures($$"""{ "{{key}}": -1 }""")), StringComparison.Ordinal);

    [Fact]
    public void UnknownKey_IsReportedInsteadOfIgnored()
    {
        var failure = Assert.Single(Failures("""{ "reconectionAttempts": 3 }"""));

        Assert.Contains("reconectionAttempts", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongType_NamesTheKey()
    {
        var failure = Assert.Single(Failures("""{ "timeout": "soon" }"""));

        Assert.True(failure.Contains($"{Root}:timeout", StringComparison.Ordinal), failure);
    }

    [Fact]
    public void ValueThatDoesNotConvert_DoesNotHideTheOtherProblems()
    {
        var failures = Failures("""{ "reconnectionDelay": "soon", "timeout": -1 }""");

        Assert.Contains($"{Root}:reconnectionDelay is \"soon\", which is not a whole number; give one such as 1000 (the default).", failures);
        Assert.Contains($"{Root}:timeout is -1; it must be greater than 0 (milliseconds or bytes).", failures);
    }

    [Fact]
    public void EveryValueThatDoesNotConvert_IsListed()
    {
        var failures = Failures("""
            { "timeout": "soon", "enabled": "maybe", "mode": "hybrid", "messageHandling": { "retryDelay": "1s", "storeInDatabase": "yes" } }
            """);

        Assert.Equal(
            [
                $"{Root}:enabled is \"maybe\"; use true or false.",
                $"{Root}:messageHandling:retryDelay is \"1s\", which is not a whole number; give one such as 1000 (the default).",
                $"{Root}:messageHandling:storeInDatabase is \"yes\"; use true or false.",
                $"{Root}:mode has the unknown value \"hybrid\"; use \"internal\" or \"external\".",
                $"{Root}:timeout is \"soon\", which is not a whole number; give one such as 20000 (the default).",
            ],
            failures);
    }

    [Fact]
    public void UnknownKey_IsReportedByItsFullKeyPath_WithTheLikelyName() =>
        Assert.Equal(
            [$"{Root}:reconectionAttempts is not a known setting; did you mean \"reconnectionAttempts\"? Correct or remove it."],
            Failures("""{ "reconectionAttempts": 3 }"""));

    [Fact]
    public void UnknownNestedKeys_AreReportedByTheirFullKeyPaths()
    {
        var failures = Failures("""{ "messageHandling": { "stratgy": "callback" }, "customEvents": { "bogus": "x" }, "envelope": { "evnt": "type" } }""");

        Assert.Equal(
            [
                $"{Root}:customEvents:bogus is not a known setting; correct or remove it.",
                $"{Root}:envelope:evnt is not a known setting; did you mean \"envelope:event\"? Correct or remove it.",
                $"{Root}:messageHandling:stratgy is not a known setting; did you mean \"messageHandling:strategy\"? Correct or remove it.",
            ],
            failures);
    }

    [Fact]
    public void UnknownKeyOfATenant_IsReportedByTheTenantsKeyPath() =>
        Assert.Contains(
            $"{Root}:tenants:7:timeot is not a known setting; did you mean \"timeout\"? Correct or remove it.",
            Failures("""{ "tenants": { "7": { "timeot": 5 } } }"""));

    [Fact]
    public void BadBaseValue_IsReportedOnce_ThoughEveryTenantInheritsIt() =>
        Assert.Equal(
            [$"{Root}:timeout is \"soon\", which is not a whole number; give one such as 20000 (the default)."],
            Failures("""{ "timeout": "soon", "tenants": { "1": { "enabled": true }, "2": { "enabled": true } } }"""));

    [Fact]
    public void ListWrittenAsText_SaysItMustBeAList() =>
        Assert.Equal(
            [$"{Root}:transports is \"websocket\" but must be a list, for example [\"a\", \"b\"]; correct or remove it."],
            Failures("""{ "transports": "websocket" }"""));

    [Fact]
    public void NullValues_KeepTheDefaults()
    {
        using var services = TestServices.FromSection("""{ "timeout": null, "enabled": null, "mode": null }""");

        var options = services.GetRequiredService<IOptionsMonitor<WebSocketProviderOptions>>().Get("websocket");

        Assert.Equal(20000, options.Timeout);
        Assert.True(options.Enabled);
        Assert.Equal(WebSocketMode.Internal, options.Mode);
    }

    [Fact]
    public void UnknownTransport_Fails() =>
        Assert.Contains($"{Root}:transports:0 has the unknown value \"carrier-pigeon\"; use \"websocket\" or \"polling\".", Failures("""{ "transports": ["carrier-pigeon"] }"""));

    [Fact]
    public void CallbackStrategy_WithoutUrl_Fails() =>
        Assert.Contains($"{Root}:messageHandling:callbackUrl must be an absolute http:// or https:// URL when the callback strategy is used.", Failures("""{ "messageHandling": { "strategy": "callback" } }"""));

    [Fact]
    public void WrongProviderType_Fails() =>
        Assert.Contains($"{Root}:providerType is \"email\"; it must be \"websocket\" (or be left out).", Failures("""{ "providerType": "email" }"""));

    [Fact]
    public void EveryProblem_IsListedAtOnce()
    {
        var failures = Failures("""{ "mode": "external", "authType": "bearer", "timeout": 0, "reconnectionAttempts": -2 }""");

        Assert.True(failures.Count >= 4, string.Join("\n", failures));
    }

    [Fact]
    public void BrokenTenantOverride_IsReportedWithTheTenantPath()
    {
        var failures = Failures("""{ "tenants": { "7": { "authType": "bearer" } } }""");

        Assert.Contains($"{Root}:tenants:7:{BearerNeedsAToken}", failures);
    }

    [Fact]
    public void ValidationMessages_NeverContainSecrets()
    {
        var failures = Failures("""
            { "mode": "external", "protocol": "ws", "url": "ftp://user:hunter2@example.com/?token=s3cr3t", "authType": "query",
              "authQuery": { "token": "s3cr3t" }, "password": "hunter2", "timeout": -1 }
            """);

        var all = string.Join("\n", failures);
        Assert.DoesNotContain("s3cr3t", all, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenericHost_WithInvalidConfiguration_FailsAtStart()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Notifications:WebSocket:mode"] = "external" });
        builder.Services.AddWebSocketNotifications(builder.Configuration.GetSection("Notifications:WebSocket"));
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains($"{Root}:url is required when mode is \"external\"; set it to the server's ws://, wss://, http:// or https:// address.", ex.Failures);
    }

    [Fact]
    public async Task GenericHost_WithValidConfiguration_Starts()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Notifications:WebSocket:mode"] = "internal" });
        builder.Services.AddWebSocketNotifications();
        using var host = builder.Build();

        await host.StartAsync(TestContext.Current.CancellationToken);
        await host.StopAsync(TestContext.Current.CancellationToken);

        Assert.NotNull(host.Services.GetRequiredService<IWebSocketProvider>());
    }
}

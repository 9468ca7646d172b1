using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;

[assembly: AssemblyFixture(typeof(ChromiumFixture))]

namespace Notify.WebSocket.AspNetCore.Tests.Browser;

/// <summary>The web sample's page in real headless Chromium, with @microsoft/signalr from npm.</summary>
public sealed class WebSampleBrowserTests(ChromiumFixture chromium, RedisServerFixture redis)
{
    private const float Timeout = 15_000;

    [Fact]
    public async Task Page_ReceivesItsTenantsBroadcastAndUserNotification_OtherTenantReceivesNeither_ForbiddenJoinShowsError()
    {
        var browser = chromium.RequireContext();
        await using var sample = await WebSampleServer.StartAsync();
        var tenant1 = await OpenAsync(browser, sample, "alice", "1");
        var tenant2 = await OpenAsync(browser, sample, "alice", "2");
        try
        {
            await JoinAsync(tenant1, "alerts");
            await JoinAsync(tenant2, "alerts");

            var provider1 = await sample.ProviderAsync("1");
            var broadcast = await provider1.SendToChannelAsync("alerts", new NotificationContent { Subject = "t1-broadcast", Body = "for tenant 1" });
            var direct = await provider1.SendToUserAsync("alice", new NotificationContent { Subject = "t1-direct", Body = "for alice of tenant 1" });
            await Notification(tenant1, "t1-broadcast").WaitForAsync(Attached);
            await Notification(tenant1, "t1-direct").WaitForAsync(Attached);

            // Tenant 2's page gets its own marker after tenant 1's sends; a leak would have arrived before it.
            await (await sample.ProviderAsync("2")).SendToChannelAsync("alerts", new NotificationContent { Subject = "t2-marker" });
            await Notification(tenant2, "t2-marker").WaitForAsync(Attached);

            await tenant1.FillAsync("#channel", "admin");
            await tenant1.ClickAsync("#join");
            var error = tenant1.Locator("#toasts .toast.error[data-code=\"CHANNEL_ACCESS_DENIED\"]");
            await error.WaitForAsync(new() { Timeout = Timeout });

            Assert.True(broadcast.Success, broadcast.Error?.Message);
            Assert.True(direct.Success, direct.Error?.Message);
            Assert.Equal(["t2-marker"], await tenant2.Locator("#notifications li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.subject)"));
            Assert.Contains("Access denied", await error.TextContentAsync(), StringComparison.Ordinal);
            Assert.Equal(0, await tenant1.Locator("#channels li[data-channel=\"admin\"]").CountAsync());
        }
        finally
        {
            await tenant1.CloseAsync();
            await tenant2.CloseAsync();
        }
    }

    [Fact]
    public async Task NotificationArea_BellBadgeToastsAndTimedList_NoTokenInTheConsole_LabelledInputs_NoFailedRequests()
    {
        var browser = chromium.RequireContext();
        await using var sample = await WebSampleServer.StartAsync();
        var console = new List<string>();
        var failed = new List<string>();
        var page = await browser.NewPageAsync();
        page.Console += (_, message) => console.Add(message.Text);
        page.PageError += (_, error) => console.Add(error);
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                failed.Add($"{response.Status} {response.Url}");
            }
        };
        try
        {
            await SignInAsync(page, sample, "alice", "1");

            // Through the page's own form: the API, the provider, the gateway, back to the page.
            await page.FillAsync("#target", "alice");
            await page.FillAsync("#subject", "Build finished");
            await page.FillAsync("#body", "main is green");
            await page.ClickAsync("#send");
            await page.Locator("#send-result", new() { HasText = "Sent to 1 connection(s)." }).WaitForAsync(new() { Timeout = Timeout });
            await page.Locator("#toasts .toast[data-subject=\"Build finished\"]").WaitForAsync(new() { Timeout = Timeout });
            await (await sample.ProviderAsync("1")).SendToUserAsync("alice", new NotificationContent { Subject = "Invoice paid", Body = "#1042" });
            await Notification(page, "Invoice paid").WaitForAsync(Attached);
            var badge = await page.Locator("#badge").TextContentAsync();
            var bellLabel = await page.GetAttributeAsync("#bell", "aria-label");

            await page.ClickAsync("#bell");
            await page.Locator("#panel").WaitForAsync(new() { Timeout = Timeout });
            var subjects = await page.Locator("#notifications li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.subject)");
            var times = await page.Locator("#notifications li time").EvaluateAllAsync<string[]>("times => times.map(t => t.dateTime)");
            var unreadBefore = await page.Locator("#notifications li.unread").CountAsync();
            await page.ClickAsync("#mark-read");
            await page.Locator("#badge").WaitForAsync(new() { State = WaitForSelectorState.Hidden, Timeout = Timeout });
            await UnreadItemsAsync(page, 0);
            var badgeHidden = await page.Locator("#badge").IsHiddenAsync();
            var unreadAfter = await page.Locator("#notifications li.unread").CountAsync();
            var unlabelled = await page.EvaluateAsync<string[]>(
                "() => [...document.querySelectorAll('input, select, textarea')].filter(e => e.labels.length === 0 && !e.getAttribute('aria-label')).map(e => e.id)");
            var favicon = await page.EvaluateAsync<string>("() => document.querySelector('link[rel=icon]').href");

            Assert.Equal("2", badge);
            Assert.Equal("Notifications, 2 unread", bellLabel);
            Assert.Equal(["Invoice paid", "Build finished"], subjects);
            Assert.All(times, t => Assert.True(DateTimeOffset.TryParse(t, System.Globalization.CultureInfo.InvariantCulture, out _), t));
            Assert.Equal(2, times.Length);
            Assert.Equal(2, unreadBefore);
            Assert.True(badgeHidden);
            Assert.Equal(0, unreadAfter);
            Assert.Empty(unlabelled);
            Assert.EndsWith("/favicon.svg", favicon, StringComparison.Ordinal);
            Assert.Empty(failed);
            Assert.DoesNotContain(console, line => line.Contains("access_token", StringComparison.OrdinalIgnoreCase) || line.Contains("eyJ", StringComparison.Ordinal));
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task NotificationCentre_HistoryUnreadCountAndReadStateSurviveAReload_NothingIsShownTwice()
    {
        var browser = chromium.RequireContext();
        await using var sample = await WebSampleServer.StartAsync();
        var page = await browser.NewPageAsync();
        try
        {
            await SignInAsync(page, sample, "carol", "1");
            var provider = await sample.ProviderAsync("1");
            foreach (var subject in new[] { "first", "second", "third" })
            {
                await provider.SendToUserAsync("carol", new NotificationContent { Subject = subject });
                await Notification(page, subject).WaitForAsync(Attached);
            }

            await page.Locator("#toasts .toast[data-subject=\"third\"]").WaitForAsync(new() { Timeout = Timeout });
            await page.ClickAsync("#bell");
            await Notification(page, "second").ClickAsync();
            await BadgeAsync(page, "2");

            await page.ReloadAsync();
            await page.Locator("#status[data-state=\"connected\"]").WaitForAsync(new() { Timeout = Timeout });
            await provider.SendToUserAsync("carol", new NotificationContent { Subject = "after the reload" });
            await Notification(page, "after the reload").WaitForAsync(Attached);
            await BadgeAsync(page, "3");

            Assert.Equal(["after the reload", "third", "second", "first"], await SubjectsAsync(page));
            Assert.Equal(["after the reload", "third", "first"], await page.Locator("#notifications li.unread").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.subject)"));
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task OfflineThenBack_ReceivesWhatWasSentMeanwhile_InOrder_Once_WithoutToastsForThem()
    {
        var browser = chromium.RequireContext();
        await using var sample = await WebSampleServer.StartAsync();
        var page = await browser.NewPageAsync();
        try
        {
            await SignInAsync(page, sample, "dave", "1");
            var provider = await sample.ProviderAsync("1");
            await provider.SendToUserAsync("dave", new NotificationContent { Subject = "before" });
            await Notification(page, "before").WaitForAsync(Attached);

            await browser.SetOfflineAsync(true);
            try
            {
                await page.Locator("#status[data-state=\"disconnected\"]").WaitForAsync(new() { Timeout = Timeout });
                await provider.SendToUserAsync("dave", new NotificationContent { Subject = "while offline 1" });
                await provider.SendToUserAsync("dave", new NotificationContent { Subject = "while offline 2" });
            }
            finally
            {
                await browser.SetOfflineAsync(false);
            }

            await Notification(page, "while offline 2").WaitForAsync(Attached);
            await provider.SendToUserAsync("dave", new NotificationContent { Subject = "live again" });
            await page.Locator("#toasts .toast[data-subject=\"live again\"]").WaitForAsync(new() { Timeout = Timeout });

            Assert.Equal(["live again", "while offline 2", "while offline 1", "before"], await SubjectsAsync(page));
            Assert.Equal(0, await page.Locator("#toasts .toast[data-subject^=\"while offline\"]").CountAsync());
            await BadgeAsync(page, "4");
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task TwoTabs_MarkAsReadInOne_UpdatesTheOtherLive()
    {
        var browser = chromium.RequireContext();
        await using var sample = await WebSampleServer.StartAsync();
        var first = await browser.NewPageAsync();
        var second = await browser.NewPageAsync();
        try
        {
            await SignInAsync(first, sample, "erin", "1");
            await SignInAsync(second, sample, "erin", "1");
            var provider = await sample.ProviderAsync("1");
            await provider.SendToUserAsync("erin", new NotificationContent { Subject = "one" });
            await provider.SendToUserAsync("erin", new NotificationContent { Subject = "two" });
            await Notification(second, "two").WaitForAsync(Attached);
            await BadgeAsync(second, "2");

            await first.ClickAsync("#bell");
            await Notification(first, "one").ClickAsync();
            await BadgeAsync(second, "1");
            var secondUnread = await second.Locator("#notifications li.unread").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.subject)");
            await first.ClickAsync("#mark-read");
            await second.Locator("#badge").WaitForAsync(new() { State = WaitForSelectorState.Hidden, Timeout = Timeout });
            await UnreadItemsAsync(second, 0);

            Assert.Equal(["two"], secondUnread);
        }
        finally
        {
            await first.CloseAsync();
            await second.CloseAsync();
        }
    }

    [Fact]
    public async Task AJoinedChannel_StaysJoinedAcrossAReload_AndTheUsersOtherTabFollowsIt_CountsAgreeWithTheInbox()
    {
        var browser = chromium.RequireContext();
        await using var sample = await WebSampleServer.StartAsync();
        var first = await OpenAsync(browser, sample, "heidi", "1");
        var second = await OpenAsync(browser, sample, "heidi", "1");
        try
        {
            var provider = await sample.ProviderAsync("1");
            await JoinAsync(first, "public.news");
            await second.Locator("#channels li[data-channel=\"public.news\"]").WaitForAsync(new() { Timeout = Timeout });
            await first.ReloadAsync();
            await first.Locator("#channels li[data-channel=\"public.news\"]").WaitForAsync(new() { Timeout = Timeout });
            await provider.SendToChannelAsync("public.news", new NotificationContent { Subject = "news" });

            await Notification(first, "news").WaitForAsync(Attached);
            await Notification(second, "news").WaitForAsync(Attached);
            var inbox = await sample.Services.GetRequiredService<INotificationInbox>().GetUnreadCountAsync("1", "heidi", TestContext.Current.CancellationToken);
            await BadgeAsync(first, inbox.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await BadgeAsync(second, inbox.ToString(System.Globalization.CultureInfo.InvariantCulture));

            await second.FillAsync("#channel", "public.news");
            await second.ClickAsync("#leave");
            await first.Locator("#channels li[data-channel=\"public.news\"]").WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = Timeout });
        }
        finally
        {
            await first.CloseAsync();
            await second.CloseAsync();
        }
    }

    [Fact]
    public async Task TheServerRestarted_TheTabReconnectsByItself_WithAFreshToken_AndGetsWhatWasSentMeanwhile()
    {
        var browser = chromium.RequireContext();
        using var directory = new TempDirectory();
        var port = Notify.WebSocket.Testing.Loopback.FreePort();
        var page = await browser.NewPageAsync();
        try
        {
            await using (var before = await WebSampleServer.StartAsync(directory.File("inbox.db"), port: port))
            {
                await SignInAsync(page, before, "ivan", "1");
                await (await before.ProviderAsync("1")).SendToUserAsync("ivan", new NotificationContent { Subject = "before" });
                await Notification(page, "before").WaitForAsync(Attached);
            }

            await page.Locator("#status[data-state=\"reconnecting\"]").WaitForAsync(new() { Timeout = Timeout });

            // Started again with a new development signing key: the tab's old token is refused, a fresh one is not.
            await using var after = await WebSampleServer.StartAsync(directory.File("inbox.db"), port: port);
            await (await after.ProviderAsync("1")).SendToUserAsync("ivan", new NotificationContent { Subject = "while it was away" });

            await page.Locator("#status[data-state=\"connected\"]").WaitForAsync(new() { Timeout = 30_000 });
            await Notification(page, "while it was away").WaitForAsync(Attached);
            Assert.Equal(["while it was away", "before"], await SubjectsAsync(page));
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task ReadStateChangedWhileItsServerWasCutFromTheOthers_TheTabReadsItsInboxAgain_OnceItIsBack()
    {
        var browser = chromium.RequireContext();
        var binary = RequiredBinary.Require(redis.Binary, "redis-server", "redis-server");
        var port = Notify.WebSocket.Testing.Loopback.FreePort();
        using var directory = new TempDirectory();
        await using var server = await RedisServer.StartAsync(binary, port);
        await using var forwarder = TcpForwarder.Start(port);

        // Two instances of the sample on one inbox; B reaches Redis through the forwarder, so cutting it partitions B alone.
        await using var a = await WebSampleServer.StartAsync(directory.File("inbox.db"), server.Configuration);
        await using var b = await WebSampleServer.StartAsync(directory.File("inbox.db"), $"127.0.0.1:{forwarder.Port},connectTimeout=500");
        var page = await browser.NewPageAsync();
        try
        {
            await SignInAsync(page, b, "grace", "1");
            var provider = await a.ProviderAsync("1");
            await provider.SendToUserAsync("grace", new NotificationContent { Subject = "one" });
            await provider.SendToUserAsync("grace", new NotificationContent { Subject = "two" });
            await BadgeAsync(page, "2");

            var redisOfB = b.Services.GetRequiredService<Notify.WebSocket.AspNetCore.ScaleOut.GatewayRedis>().Connection;
            forwarder.Cut();
            await Notify.WebSocket.Testing.Eventually.TrueAsync(() => !redisOfB.IsConnected, "B lost Redis");
            await a.Services.GetRequiredService<INotificationInbox>().MarkAllReadAsync("1", "grace", TestContext.Current.CancellationToken);
            forwarder.Restore();

            await page.Locator("#badge").WaitForAsync(new() { State = WaitForSelectorState.Hidden, Timeout = Timeout });
            await UnreadItemsAsync(page, 0);
            Assert.Equal(["two", "one"], await SubjectsAsync(page));
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    private static Task<string[]> SubjectsAsync(IPage page) =>
        page.Locator("#notifications li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.subject)");

    private static Task BadgeAsync(IPage page, string text) =>
        page.Locator("#badge", new() { HasText = text }).WaitForAsync(new() { Timeout = Timeout });

    private static Task<IJSHandle> UnreadItemsAsync(IPage page, int count) =>
        page.WaitForFunctionAsync($"() => document.querySelectorAll('#notifications li.unread').length === {count}", null, new() { Timeout = Timeout });

    private static LocatorWaitForOptions Attached => new() { State = WaitForSelectorState.Attached, Timeout = Timeout };

    private static ILocator Notification(IPage page, string subject) => page.Locator($"#notifications li[data-subject=\"{subject}\"]");

    private static async Task<IPage> OpenAsync(IBrowserContext browser, WebSampleServer sample, string userId, string tenantId)
    {
        var page = await browser.NewPageAsync();
        await SignInAsync(page, sample, userId, tenantId);
        return page;
    }

    private static async Task SignInAsync(IPage page, WebSampleServer sample, string userId, string tenantId)
    {
        await page.GotoAsync(sample.BaseAddress.ToString());
        await page.FillAsync("#user", userId);
        await page.FillAsync("#tenant", tenantId);
        await page.ClickAsync("#connect");
        await page.Locator("#status[data-state=\"connected\"]").WaitForAsync(new() { Timeout = Timeout });
    }

    private static async Task JoinAsync(IPage page, string channel)
    {
        await page.FillAsync("#channel", channel);
        await page.ClickAsync("#join");
        await page.Locator($"#channels li[data-channel=\"{channel}\"]").WaitForAsync(new() { Timeout = Timeout });
    }
}

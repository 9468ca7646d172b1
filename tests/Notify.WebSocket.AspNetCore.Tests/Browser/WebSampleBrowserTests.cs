using Microsoft.Playwright;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;

[assembly: AssemblyFixture(typeof(ChromiumFixture))]

namespace Notify.WebSocket.AspNetCore.Tests.Browser;

/// <summary>The web sample's page in real headless Chromium, with @microsoft/signalr from npm.</summary>
public sealed class WebSampleBrowserTests(ChromiumFixture chromium)
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

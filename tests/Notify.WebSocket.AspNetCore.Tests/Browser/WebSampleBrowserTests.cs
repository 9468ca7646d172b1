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
            await Notification(tenant1, "t1-broadcast").WaitForAsync(new() { Timeout = Timeout });
            await Notification(tenant1, "t1-direct").WaitForAsync(new() { Timeout = Timeout });

            // Tenant 2's page gets its own marker after tenant 1's sends; a leak would have arrived before it.
            await (await sample.ProviderAsync("2")).SendToChannelAsync("alerts", new NotificationContent { Subject = "t2-marker" });
            await Notification(tenant2, "t2-marker").WaitForAsync(new() { Timeout = Timeout });

            await tenant1.FillAsync("#channel", "admin");
            await tenant1.ClickAsync("#join");
            var error = tenant1.Locator("#errors li", new() { HasText = "Access denied" });
            await error.WaitForAsync(new() { Timeout = Timeout });

            Assert.True(broadcast.Success, broadcast.Error?.Message);
            Assert.True(direct.Success, direct.Error?.Message);
            Assert.Equal(["t2-marker"], await tenant2.Locator("#notifications li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.subject)"));
            Assert.Equal("Access denied (admin)", await error.TextContentAsync());
            Assert.Equal(0, await tenant1.Locator("#channels li[data-channel=\"admin\"]").CountAsync());
        }
        finally
        {
            await tenant1.CloseAsync();
            await tenant2.CloseAsync();
        }
    }

    private static ILocator Notification(IPage page, string subject) => page.Locator($"#notifications li[data-subject=\"{subject}\"]");

    private static async Task<IPage> OpenAsync(IBrowserContext browser, WebSampleServer sample, string userId, string tenantId)
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(sample.BaseAddress.ToString());
        await page.FillAsync("#user", userId);
        await page.FillAsync("#tenant", tenantId);
        await page.ClickAsync("#connect");
        await page.Locator("#status[data-state=\"connected\"]").WaitForAsync(new() { Timeout = Timeout });
        return page;
    }

    private static async Task JoinAsync(IPage page, string channel)
    {
        await page.FillAsync("#channel", channel);
        await page.ClickAsync("#join");
        await page.Locator($"#channels li[data-channel=\"{channel}\"]").WaitForAsync(new() { Timeout = Timeout });
    }
}

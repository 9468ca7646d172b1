using Microsoft.Playwright;

namespace Notify.WebSocket.AspNetCore.Tests.TestSupport;

/// <summary>
/// Debian's headless Chromium (apt <c>chromium</c>) driven by Playwright through <c>ExecutablePath</c> (never
/// <c>playwright install</c>), with a fresh user-data directory, shared by the browser tests.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly string _userDataDir = Directory.CreateTempSubdirectory("notify-chromium-").FullName;
    private IPlaywright? _playwright;
    private IBrowserContext? _context;

    public string? Binary { get; } = RequiredBinary.Find("chromium");

    public IBrowserContext RequireContext()
    {
        RequiredBinary.Require(Binary, "chromium", "chromium");
        return _context ?? throw new InvalidOperationException("Chromium did not start.");
    }

    public async ValueTask InitializeAsync()
    {
        if (Binary is null)
        {
            return;
        }

        _playwright = await Playwright.CreateAsync();
        _context = await _playwright.Chromium.LaunchPersistentContextAsync(_userDataDir, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = Binary,
            Headless = true,
            Args = Flags,
            Timeout = 30_000,
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.CloseAsync();
        }

        _playwright?.Dispose();
        Directory.Delete(_userDataDir, recursive: true);
    }
}

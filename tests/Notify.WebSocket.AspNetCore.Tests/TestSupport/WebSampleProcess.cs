using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Notify.WebSocket.Testing;

namespace Notify.WebSocket.AspNetCore.Tests.TestSupport;

/// <summary>
/// The web sample as a child process (its built dll, Development settings) on a free loopback port: an instance that a
/// test can really crash, with SIGKILL, so that it never shuts down in order.
/// </summary>
internal sealed class WebSampleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private WebSampleProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public Uri HubUrl => new(BaseAddress, "/notifications");

    public int ProcessId => _process.Id;

    public static async Task<WebSampleProcess> StartAsync(params string[] settings)
    {
        var port = Notify.WebSocket.Testing.Loopback.FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Notify.WebSocket.WebSample.dll"));
        foreach (var argument in new[]
        {
            "--environment", "Development",
            "--contentRoot", Path.Combine(RepositoryPaths.Root, "samples", "Notify.WebSocket.WebSample"),
            "--urls", $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            "--Logging:LogLevel:Default", "Warning",
        }.Concat(settings))
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var sample = new WebSampleProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        await Notify.WebSocket.Testing.Eventually.TrueAsync(sample.RespondsAsync, "the web sample answers HTTP", timeoutMs: 30_000);
        return sample;
    }

    /// <summary>A token from the sample's development endpoint.</summary>
    public async Task<string> TokenAsync(string userId, string tenantId)
    {
        var body = await _http.GetFromJsonAsync<JsonElement>(new Uri(BaseAddress, $"/dev/token?userId={userId}&tenantId={tenantId}"));
        return body.GetProperty("token").GetString()!;
    }

    /// <summary>Crashes the process: SIGKILL (what <see cref="Process.Kill()"/> sends on Linux), no shutdown of any kind.</summary>
    public async Task CrashAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await CrashAsync();
        }

        _process.Dispose();
        _http.Dispose();
    }

    private async Task<bool> RespondsAsync()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"The web sample exited with code {_process.ExitCode} during start.");
        }

        try
        {
            using var response = await _http.GetAsync(BaseAddress);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}

using System.Diagnostics;

namespace Notify.WebSocket.Handling.Tests.TestSupport;

/// <summary>
/// The consumer host (tests/Notify.WebSocket.ConsumerHost) as a child process: started on a spool folder, killed with
/// SIGKILL by its PID as a crash would, started again on the same spool.
/// </summary>
internal sealed class ConsumerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ConsumerProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    public static async Task<ConsumerProcess> StartAsync(Uri serverUrl, string spool, Uri callback, string tenant = "default")
    {
        // Same configuration as the test project's own output folder (…/bin/Release/net10.0/).
        var output = AppContext.BaseDirectory.Replace("Notify.WebSocket.Handling.Tests", "Notify.WebSocket.ConsumerHost", StringComparison.Ordinal);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.Combine(output, "Notify.WebSocket.ConsumerHost.dll"), "--url", serverUrl.ToString(), "--spool", spool, "--callback", callback.ToString(), "--tenant", tenant })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)!;
        var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        if (ready?.StartsWith("ready", StringComparison.Ordinal) != true)
        {
            process.Kill();
            throw new InvalidOperationException($"The consumer host did not start: {ready}");
        }

        return new ConsumerProcess(process);
    }

    /// <summary>SIGKILL: no shutdown code runs, nothing is flushed.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-9", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}

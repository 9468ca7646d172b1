using System.Diagnostics;

namespace Notify.WebSocket.AspNetCore.Tests.TestSupport;

/// <summary>A real redis-server on a free loopback port, without persistence, stopped when the tests end.</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private Process? _process;

    /// <summary>The StackExchange.Redis configuration string, or null when redis-server is not installed.</summary>
    public string? Configuration { get; private set; }

    public string? Binary { get; } = RequiredBinary.Find("redis-server");

    public string RequireConfiguration() => RequiredBinary.Require(Binary, "redis-server", "redis-server") is not null ? Configuration! : null!;

    public async ValueTask InitializeAsync()
    {
        if (Binary is null)
        {
            return;
        }

        var port = Notify.WebSocket.Testing.Loopback.FreePort();
        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--bind", "127.0.0.1", "--port", port.ToString(), "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(arg);
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("Ready to accept connections", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        _process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("redis-server exited during start."));
        _process.EnableRaisingEvents = true;
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Configuration = $"127.0.0.1:{port}";
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
    }
}

using System.Diagnostics;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;

namespace Notify.WebSocket.AspNetCore.Tests.SocketIo;

/// <summary>
/// Runs the socketio organization's official protocol test suites (engine.io-protocol and socket.io-protocol, their
/// test-suite folders) against <see cref="ConformanceHost"/> on port 3000, where they expect their server. Their code
/// is not part of this repository: set NOTIFY_ENGINEIO_SUITE / NOTIFY_SOCKETIO_SUITE to a checkout of each test-suite
/// folder with its npm packages installed (npm ci); without them the test has nothing to run and returns.
/// </summary>
[Collection(TimingSensitiveTests.Name)]
public sealed class OfficialSuiteTests(ITestOutputHelper output)
{
    [Fact]
    public async Task OfficialSuites_PassAgainstTheConformanceHost()
    {
        var suites = new[] { Environment.GetEnvironmentVariable("NOTIFY_ENGINEIO_SUITE"), Environment.GetEnvironmentVariable("NOTIFY_SOCKETIO_SUITE") }
            .Where(d => !string.IsNullOrEmpty(d)).ToArray();
        if (suites.Length == 0)
        {
            return;
        }

        await using var host = await ConformanceHost.StartAsync(port: 3000);
        foreach (var suite in suites)
        {
            var info = new ProcessStartInfo("npx", "mocha --reporter spec test-suite.js") { WorkingDirectory = suite, RedirectStandardOutput = true, RedirectStandardError = true };
            using var mocha = Process.Start(info)!;
            var stdout = mocha.StandardOutput.ReadToEndAsync();
            var stderr = mocha.StandardError.ReadToEndAsync();
            await mocha.WaitForExitAsync();
            output.WriteLine($"== {suite}\n{await stdout}\n{await stderr}");
            Assert.True(mocha.ExitCode == 0, $"{suite}: mocha exited with {mocha.ExitCode}:\n{await stdout}\n{await stderr}");
        }
    }
}

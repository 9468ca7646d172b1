namespace Notify.WebSocket.AspNetCore.Tests.TestSupport;

/// <summary>
/// Tests that hold the protocol's own short timers (a 300 ms ping interval, a 1 s connect timeout), and the flood that
/// saturates both cores: they run alone, one class after another, after the parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitiveTests
{
    public const string Name = "Socket.IO timing and flood";
}

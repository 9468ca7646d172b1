using System.Runtime.CompilerServices;

// The pipeline, spool and strategies are tested from their own project (the core's .Tests project is the transports').
[assembly: InternalsVisibleTo("Notify.WebSocket.Handling.Tests")]
[assembly: InternalsVisibleTo("Notify.WebSocket.Handling.Benchmarks")]

using System.Data.Common;

namespace Notify.WebSocket.Handling.Database;

/// <summary>An ADO.NET provider the host registered for <c>messageHandling:databaseProvider</c> (SQLite is built in).</summary>
internal sealed record DatabaseProviderRegistration(string Name, DbProviderFactory Factory);

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Notify.WebSocket;

/// <summary>Reloads a provider's named options when its configuration section changes (appsettings reload).</summary>
internal sealed class SectionChangeTokenSource(string name, IConfiguration section) : IOptionsChangeTokenSource<WebSocketProviderOptions>
{
    public string Name { get; } = name;

    public IChangeToken GetChangeToken() => section.GetReloadToken();
}

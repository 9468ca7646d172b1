using Notify.WebSocket.AspNetCore.Gateway;

namespace Notify.WebSocket.AspNetCore.Tests.Gateway;

public sealed class GroupNamesTests
{
    [Fact]
    public void Names_AreTenantScoped_AsDesigned()
    {
        Assert.Equal("t:1:user:alice", GroupNames.User("1", "alice"));
        Assert.Equal("t:1:channel:alerts", GroupNames.Channel("1", "alerts"));
        Assert.NotEqual(GroupNames.Channel("1", "alerts"), GroupNames.Channel("2", "alerts"));
    }

    [Fact]
    public void TenantSeparators_AreEscaped_SoNoTenantForgesAnother()
    {
        Assert.Equal("t:1%3Achannel%3Ax:user:u", GroupNames.User("1:channel:x", "u"));
        Assert.NotEqual(GroupNames.User("1%3A", "u"), GroupNames.User("1:", "u"));
    }
}

using Notify.WebSocket.AspNetCore.Authorization;

namespace Notify.WebSocket.AspNetCore.Tests.Authorization;

public sealed class ChannelPatternTests
{
    [Theory]
    [InlineData("public.*", "public.news", true)]
    [InlineData("public.*", "public.", true)]
    [InlineData("public.*", "public", false)]
    [InlineData("public.*", "xpublic.news", false)]
    [InlineData("public.*", "Public.news", false)]
    [InlineData("alerts", "alerts", true)]
    [InlineData("alerts", "alerts2", false)]
    [InlineData("*.stats", "team.a.stats", true)]
    [InlineData("team.*.chat", "team.42.chat", true)]
    [InlineData("team.*.chat", "team.42.chat.x", false)]
    [InlineData("*", "anything", true)]
    public void IsMatch_ExpandsStarsOnly(string pattern, string name, bool expected) =>
        Assert.Equal(expected, ChannelPattern.IsMatch(pattern, name));
}

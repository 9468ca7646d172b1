using Notify.WebSocket.AspNetCore.Gateway;

namespace Notify.WebSocket.AspNetCore.Tests.Gateway;

/// <summary>The channel-name rule against a table of hostile names, and what it lets through.</summary>
public sealed class ChannelNamesTests
{
    private const int Max = 16;

    /// <summary>Each row: a description, the name, the expected problem.</summary>
    public static TheoryData<string, string, string> Hostile => new()
    {
        { "empty", "", nameof(ChannelNameProblem.Empty) },
        { "ASCII space", "public.a b", nameof(ChannelNameProblem.ForbiddenCharacter) },
        { "leading space", " public", nameof(ChannelNameProblem.ForbiddenCharacter) },
        { "tab", "public\tx", nameof(ChannelNameProblem.ForbiddenCharacter) },
        { "newline (log forging)", "public\nWARN fake", nameof(ChannelNameProblem.ForbiddenCharacter) },
        { "NUL", "public\0", nameof(ChannelNameProblem.ForbiddenCharacter) },
        { "DEL", "public\u007F", nameof(ChannelNameProblem.ForbiddenCharacter) },
        { "C1 control NEL", "public\u0085", nameof(ChannelNameProblem.ForbiddenCharacter) },
        { "right-to-left override", "public.\u202Etxt.exe", nameof(ChannelNameProblem.ForbiddenCharacter) },
        { "left-to-right embedding", "\u202Apublic", nameof(ChannelNameProblem.ForbiddenCharacter) },
        { "right-to-left isolate", "public\u2067x", nameof(ChannelNameProblem.ForbiddenCharacter) },
        { "arabic letter mark", "public\u061C", nameof(ChannelNameProblem.ForbiddenCharacter) },
        { "zero-width space", "pub\u200Blic", nameof(ChannelNameProblem.ForbiddenCharacter) },
        { "zero-width joiner", "pub\u200Dlic", nameof(ChannelNameProblem.ForbiddenCharacter) },
        { "zero-width non-joiner", "pub\u200Clic", nameof(ChannelNameProblem.ForbiddenCharacter) },
        { "word joiner", "pub\u2060lic", nameof(ChannelNameProblem.ForbiddenCharacter) },
        { "byte order mark", "\uFEFFpublic", nameof(ChannelNameProblem.ForbiddenCharacter) },
        { "soft hyphen", "pub\u00ADlic", nameof(ChannelNameProblem.ForbiddenCharacter) },
        { "tag character", "public\U000E0041", nameof(ChannelNameProblem.ForbiddenCharacter) },
        { "line separator", "public\u2028x", nameof(ChannelNameProblem.ForbiddenCharacter) },
        { "paragraph separator", "public\u2029x", nameof(ChannelNameProblem.ForbiddenCharacter) },
        { "no-break space", "public\u00A0x", nameof(ChannelNameProblem.ForbiddenCharacter) },
        { "ideographic space", "public\u3000x", nameof(ChannelNameProblem.ForbiddenCharacter) },
        { "Hangul filler (invisible letter)", "public\u3164", nameof(ChannelNameProblem.ForbiddenCharacter) },
        { "variation selector", "public\uFE0F", nameof(ChannelNameProblem.ForbiddenCharacter) },
        { "combining grapheme joiner", "public\u034F", nameof(ChannelNameProblem.ForbiddenCharacter) },
        { "private use", "public\uE000", nameof(ChannelNameProblem.ForbiddenCharacter) },
        { "unassigned", "public\u0378", nameof(ChannelNameProblem.ForbiddenCharacter) },
        { "leading combining mark", "\u0301public", nameof(ChannelNameProblem.ForbiddenCharacter) },
        { "too long (ASCII)", new string('a', Max + 1), nameof(ChannelNameProblem.TooLong) },
        { "too long after NFC (17 composed characters)", string.Concat(Enumerable.Repeat("e\u0301", Max + 1)), nameof(ChannelNameProblem.TooLong) },
        { "far too long (not normalized at all)", new string('\u00E9', 10_000), nameof(ChannelNameProblem.TooLong) },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Check_RefusesHostileNames(string description, string name, string expected)
    {
        var problem = ChannelNames.Check(name, Max, out var normalized);

        Assert.True(expected == problem.ToString(), $"{description}: expected {expected}, got {problem}");
        Assert.Equal(string.Empty, normalized);
    }

    [Fact]
    public void Check_RefusesLoneSurrogates_AsMalformed()
    {
        // Not theory data: xUnit serializes that as UTF-8, which would turn a lone surrogate into U+FFFD.
        foreach (var name in new[] { "public\uD800", "\uDC00public", "public\uDC00\uD800", "\uD83D" })
        {
            Assert.Equal(ChannelNameProblem.Malformed, ChannelNames.Check(name, Max, out _));
        }
    }

    [Theory]
    [InlineData("alerts")]
    [InlineData("public.sports")]
    [InlineData("ops-42_eu:1/a#b")]
    [InlineData("новости")]
    [InlineData("新闻频道")]
    [InlineData("أخبار")]
    [InlineData("🚀launch")]
    [InlineData("café")]
    public void Check_AcceptsOrdinaryNamesOfAnyScript(string name)
    {
        Assert.Equal(ChannelNameProblem.None, ChannelNames.Check(name, Max, out var normalized));
        Assert.Equal(name, normalized);
    }

    [Fact]
    public void Check_NormalizesToNfc_SoDecomposedAndComposedFormsAreOneChannel()
    {
        Assert.Equal(ChannelNameProblem.None, ChannelNames.Check("cafe\u0301", Max, out var decomposed));
        Assert.Equal(ChannelNameProblem.None, ChannelNames.Check("caf\u00E9", Max, out var composed));

        Assert.Equal("caf\u00E9", decomposed);
        Assert.Equal(composed, decomposed);
        Assert.Equal("caf\u00E9", ChannelNames.Normalize("cafe\u0301"));
    }

    [Fact]
    public void Check_CountsLengthInCharactersAfterNormalization()
    {
        Assert.Equal(ChannelNameProblem.None, ChannelNames.Check(string.Concat(Enumerable.Repeat("e\u0301", Max)), Max, out _));
        Assert.Equal(ChannelNameProblem.None, ChannelNames.Check(string.Concat(Enumerable.Repeat("😀", Max)), Max, out _));
    }
}

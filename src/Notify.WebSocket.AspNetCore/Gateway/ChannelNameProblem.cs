namespace Notify.WebSocket.AspNetCore.Gateway;

/// <summary>Why a channel name was refused (<see cref="ChannelNames.Check"/>).</summary>
internal enum ChannelNameProblem
{
    /// <summary>The name is acceptable.</summary>
    None,

    /// <summary>Not well-formed UTF-16 (a lone surrogate): not text at all, so the request itself is malformed.</summary>
    Malformed,

    /// <summary>Empty.</summary>
    Empty,

    /// <summary>Longer than the limit, counted in Unicode characters after normalization.</summary>
    TooLong,

    /// <summary>Holds a character that renders invisibly, reorders text or breaks lines (control, format, separator, private-use, unassigned, default-ignorable), or starts with a combining mark.</summary>
    ForbiddenCharacter,
}

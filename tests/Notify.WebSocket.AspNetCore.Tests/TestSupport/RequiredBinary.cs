namespace Notify.WebSocket.AspNetCore.Tests.TestSupport;

/// <summary>
/// Finds a system binary a test needs. On CI (CI=true) a missing binary fails the test; locally the test is skipped
/// with the apt package to install.
/// </summary>
internal static class RequiredBinary
{
    public static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    /// <summary>The path of <paramref name="name"/>, or a failure (CI) / skip (local) naming <paramref name="aptPackage"/>.</summary>
    public static string Require(string? path, string name, string aptPackage)
    {
        if (path is not null)
        {
            return path;
        }

        var message = $"{name} is not on PATH: install it with `apt-get install -y {aptPackage}`.";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(message);
        }

        Assert.Skip(message);
        return null!;
    }
}

namespace DKube.Executors.Tests.Local;

/// <summary>Waits for a condition with a generous deadline: tests assert on outcomes, never on how fast they come.</summary>
internal static class Eventually
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public static async Task TrueAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Gave up waiting for: {what}");
            await Task.Delay(20);
        }
    }

    public static Task FileAsync(string path) =>
        TrueAsync(() => File.Exists(path) && new FileInfo(path).Length > 0, $"{path} to be written");
}

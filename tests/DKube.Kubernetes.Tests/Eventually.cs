namespace DKube.Kubernetes.Tests;

/// <summary>Waits for a condition with a deadline: tests assert on outcomes, never on how fast they come.</summary>
internal static class Eventually
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    public static async Task TrueAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Gave up waiting for: {what}");
            }

            await Task.Delay(10);
        }
    }
}

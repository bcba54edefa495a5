namespace DKube.Integration.Tests.Infrastructure;

/// <summary>Waits for a condition with a generous deadline (no timing is asserted, only the outcome).</summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{what ?? "Condition"} not reached; last: {value}");
            await Task.Delay(100);
        }
    }
}

namespace DKube.Testing;

/// <summary>Waits for a condition with a generous deadline: tests assert on outcomes, never on how fast they come.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Probes until <paramref name="done"/> holds and returns that value; gives up with the last one seen.</summary>
    public static Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null, string? what = null) =>
        PollAsync(probe, done, timeout, what, TimeSpan.FromMilliseconds(100));

    /// <summary>Waits for a cheap in-process condition (checked often).</summary>
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        PollAsync(() => Task.FromResult(condition()), met => met, timeout, what, TimeSpan.FromMilliseconds(20));

    /// <summary>Waits until <paramref name="path"/> exists and is not empty.</summary>
    public static Task FileAsync(string path, TimeSpan? timeout = null) =>
        TrueAsync(() => File.Exists(path) && new FileInfo(path).Length > 0, $"{path} to be written", timeout);

    private static async Task<T> PollAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout, string? what, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        var limit = timeout ?? DefaultTimeout;
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Gave up after {limit} waiting for: {what ?? "the condition"}; last: {value}");
            }

            await Task.Delay(interval);
        }
    }
}

namespace DKube.Server;

/// <summary>
/// Start-up calls into the cluster (the operator and local-cluster bootstraps) may reach a grain
/// placed on a silo that is itself still starting, or on one that just died: retry those for a
/// while instead of failing the whole process.
/// </summary>
public static class StartupRetry
{
    public static async Task<T> RunAsync<T>(Func<Task<T>> call, TimeSpan? budget = null)
    {
        var deadline = DateTime.UtcNow + (budget ?? TimeSpan.FromSeconds(90));
        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (e is OrleansException or TimeoutException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(delay);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    public static Task RunAsync(Func<Task> call) => RunAsync(async () =>
    {
        await call();
        return true;
    });
}

using System.Data.Common;
using DKube.Abstractions.Errors;
using Microsoft.Extensions.Logging;

namespace DKube.Grains.Faults;

/// <summary>
/// Retries a grain call across the failures a silo kill or a database restart cause: calls to
/// grains of a dead silo fail until the membership has declared it dead, and calls to grains whose
/// storage is away fail until it is back. The calls retried are idempotent by contract.
/// </summary>
public static class TransientRetry
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    /// <summary>Whether <paramref name="e"/> is a failure that a later attempt may not meet.</summary>
    public static bool IsTransient(Exception e) =>
        e is OrleansException or TimeoutException or DependencyUnavailableException or DbException;

    /// <summary>
    /// Calls until it succeeds; a failure that is not transient, or one met after
    /// <paramref name="budget"/>, is thrown to the caller.
    /// </summary>
    public static async Task RunAsync(Func<Task> call, TimeSpan budget, ILogger logger, string what, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + budget;
        var delay = FirstDelay;
        while (true)
        {
            try
            {
                await call();
                return;
            }
            catch (Exception e) when (IsTransient(e) && DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("{What} failed ({Error}); retrying in {Delay}", what, e.Message, delay);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
            }
        }
    }
}

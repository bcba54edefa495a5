using Microsoft.Extensions.Logging;

namespace DKube.Grains.Faults;

/// <summary>
/// Tells another grain of something off the teller's turn: the grain told may be waiting on the
/// teller right now (a parent creating the child that tells it of its end), and a call awaited
/// inside the turn would then wait for a turn that waits for it. Retried across transient failures;
/// once delivered, the teller notes it through a call to itself (its own turn writes its state),
/// and whatever the teller keeps as a net (a reminder, its next activation) tells again otherwise.
/// Delivery is at least once: the grain told handles repeats.
/// </summary>
public static class OffTurnNotice
{
    /// <param name="deliver">The call to the grain told (through a grain reference, not the teller's fields).</param>
    /// <param name="noteDelivered">The call back to the teller (a grain reference to itself).</param>
    /// <param name="what">What is told, for the log ("Telling study s1 of the end of r1").</param>
    /// <param name="ifLost">What tells again when this delivery gives up, for the log.</param>
    public static void Send(Func<Task> deliver, Func<Task> noteDelivered, TimeSpan budget, ILogger logger, string what, string ifLost)
    {
        _ = Task.Run(async () =>
        {
            try
            {
                await TransientRetry.RunAsync(deliver, budget, logger, what);
                await noteDelivered();
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "{What} did not get through; {IfLost}", what, ifLost);
            }
        });
    }
}

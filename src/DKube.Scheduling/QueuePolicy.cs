namespace DKube.Scheduling;

/// <summary>Order in which a group's waiting requests may start.</summary>
public enum QueuePolicy
{
    /// <summary>The head of the queue blocks everything behind it.</summary>
    StrictFifo,

    /// <summary>
    /// Later requests that fit may start ahead of the head, until the head has waited longer than
    /// the pool's maximum head age; from then on nothing passes it, so large requests are not starved.
    /// </summary>
    BestEffortFifo,
}

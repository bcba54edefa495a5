namespace DKube.Abstractions.Pools;

/// <summary>How a group's queue lets requests pass each other.</summary>
public enum QueuePolicy
{
    /// <summary>The head blocks everything behind it.</summary>
    StrictFifo,

    /// <summary>Later requests that fit may start, until the head has waited longer than the pool's max head age.</summary>
    BestEffortFifo,
}

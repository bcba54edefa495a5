namespace DKube.Scheduling.Tests.Properties;

/// <summary>Which rules a scenario checks after every operation.</summary>
[Flags]
internal enum Invariant
{
    None = 0,

    /// <summary>Admission never pushes used past the pool; per node, indices are in range and held once.</summary>
    Capacity = 1,

    /// <summary>Placements honour gang, one-node, manual, affinity and named-cluster rules.</summary>
    Shapes = 2,

    /// <summary>Queued requests start in arrival order and nothing passes a blocked head (strict FIFO, or an aged head).</summary>
    FifoOrder = 4,

    /// <summary>No queued request waits while its GPUs sit free, unless the head is past its max age.</summary>
    NoIdleWait = 8,

    /// <summary>Positions are 1..n in arrival order, estimates never run backwards, resubmits and bad releases change nothing.</summary>
    Bookkeeping = 16,

    All = Capacity | Shapes | FifoOrder | NoIdleWait | Bookkeeping,
}

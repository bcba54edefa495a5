namespace DKube.Scheduling;

/// <summary>
/// A waiting request as shown to users. <see cref="EstimatedStart"/> is null when it was not asked for (a submit without an estimate), when the request cannot start
/// under the current pool size (the pool was shrunk below it) or, under strict FIFO, is stuck behind one that cannot.
/// </summary>
public sealed record QueueEntry(GpuRequest Request, int Position, DateTimeOffset EnqueuedAt, DateTimeOffset? EstimatedStart);

namespace DKube.Scheduling;

/// <summary>A waiting request as persisted: the request and when it joined the queue (the head's age counts from here).</summary>
public sealed record QueuedRequest(GpuRequest Request, DateTimeOffset EnqueuedAt);

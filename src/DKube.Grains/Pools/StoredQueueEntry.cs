using DKube.Scheduling;

namespace DKube.Grains.Pools;

/// <summary>A waiting request as the pool stores it in its queue table (JSON): the request, when it joined, and what the pool view shows of it.</summary>
internal sealed record StoredQueueEntry(QueuedRequest Waiting, string Kind, bool OwnerOnly);

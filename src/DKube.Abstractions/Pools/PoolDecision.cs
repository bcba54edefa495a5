using DKube.Abstractions.Errors;
using DKube.Abstractions.Tenancy;
using DKube.Abstractions.Workloads;

namespace DKube.Abstractions.Pools;

/// <summary>The pool's answer to a request: admitted with an allocation, queued at a position, or rejected with a reason (and, for a quota, which one).</summary>
[GenerateSerializer]
[Alias("dkube.pool-decision")]
public sealed record PoolDecision(
    [property: Id(0)] PoolOutcome Outcome,
    [property: Id(1)] Allocation? Allocation,
    [property: Id(2)] int? Position,
    // Id 3 was an estimated start that no caller read and that cost a replay of the queue; the pool view estimates.
    [property: Id(4)] string? RejectionCode,
    [property: Id(5)] string? Message,
    [property: Id(6)] QuotaUse? Quota = null)
{
    /// <summary>What a rejection answers the submitter: a quota breach, or the pool's reason (422).</summary>
    public DomainException Refusal()
    {
        var message = Message ?? "The pool refused the request.";
        return Quota is { } quota ? DomainException.QuotaExceeded(quota, message) : DomainException.Unprocessable(RejectionCode ?? "rejected", message);
    }
}

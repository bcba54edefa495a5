using DKube.Abstractions.Pools;
using Orleans.Concurrency;

namespace DKube.Abstractions.Workloads;

/// <summary>
/// How one run of a batch was accepted: <see cref="View"/> when it is stored and its pool took it
/// (the view as the pool answered: queued at a position, or about to be told its admission);
/// <see cref="Refusal"/> when its pool refused it (nothing of it stays stored); neither when it was
/// not accepted set-wise (<see cref="NotAccepted"/>).
/// </summary>
[GenerateSerializer]
[Immutable]
[Alias("dkube.run-acceptance-answer")]
public sealed record RunAcceptance(
    [property: Id(0)] WorkloadView? View,
    [property: Id(1)] PoolDecision? Refusal)
{
    public static readonly RunAcceptance NotAccepted = new(null, null);
}

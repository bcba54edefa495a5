namespace DKube.Scheduling;

/// <summary>
/// The answer to a claim: its placement when placed, its position when waiting, and every other
/// waiter the same step placed (whose workloads must be told).
/// </summary>
public sealed record ClaimResult(ClaimOutcome Outcome, Placement? Placement, int? Position, IReadOnlyList<Reservation> AlsoPlaced);

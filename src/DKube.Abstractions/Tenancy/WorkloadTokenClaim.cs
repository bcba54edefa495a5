namespace DKube.Abstractions.Tenancy;

/// <summary>What a workload token says: it was issued to this attempt of this run or IDE, which acts as its owner.</summary>
public sealed record WorkloadTokenClaim(string WorkloadId, int Attempt, string Owner);

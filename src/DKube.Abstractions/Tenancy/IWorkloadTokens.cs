namespace DKube.Abstractions.Tenancy;

/// <summary>
/// The bearer token a run or IDE gets as <c>DKUBE_TOKEN</c>: it acts as the workload's owner, and only
/// while that attempt of the workload is starting or running (the API checks the workload on every
/// use), so it ends with the work. Never the owner's own token, never a server secret.
/// </summary>
public interface IWorkloadTokens
{
    string Issue(WorkloadTokenClaim claim);

    /// <summary>The claim of a token this server issued, or null (not a workload token, altered, or another key's).</summary>
    WorkloadTokenClaim? Read(string token);
}

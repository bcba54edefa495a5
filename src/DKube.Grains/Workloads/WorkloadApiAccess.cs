using DKube.Abstractions.Tenancy;
using DKube.Abstractions.Workloads;

namespace DKube.Grains.Workloads;

/// <summary>
/// How a run or IDE reaches the API as its owner: <c>DKUBE_URL</c> and a <c>DKUBE_TOKEN</c> of its
/// own (<see cref="IWorkloadTokens"/>), so the Python client inside it works without configuration.
/// </summary>
public sealed class WorkloadApiAccess(IWorkloadTokens tokens)
{
    public const string UrlVariable = "DKUBE_URL";
    public const string TokenVariable = "DKUBE_TOKEN";

    /// <summary>The API's URL as work reaches it; set by the server once it knows where it listens (null: no DKUBE_URL).</summary>
    public string? Url { get; set; }

    public IReadOnlyDictionary<string, string> VariablesFor(WorkloadView workload)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [TokenVariable] = tokens.Issue(new WorkloadTokenClaim(workload.Id, workload.Attempt, workload.Owner)),
        };
        if (Url is { } url)
        {
            variables[UrlVariable] = url;
        }

        return variables;
    }
}

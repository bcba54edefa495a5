namespace DKube.Grains.Execution;

/// <summary>
/// An execution is one attempt of a workload (an IDE restarted is a new attempt), named
/// <c>{workloadId}-{attempt}</c>: a DNS label that Slurm job names and Kubernetes objects accept too.
/// </summary>
public static class ExecutionIds
{
    public static string For(string workloadId, int attempt) =>
        $"{workloadId}-{attempt.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    public static bool TryParse(string executionId, out string workloadId, out int attempt)
    {
        var dash = executionId.LastIndexOf('-');
        workloadId = dash > 0 ? executionId[..dash] : "";
        attempt = 0;
        return dash > 0 && int.TryParse(executionId.AsSpan(dash + 1), System.Globalization.CultureInfo.InvariantCulture, out attempt);
    }
}

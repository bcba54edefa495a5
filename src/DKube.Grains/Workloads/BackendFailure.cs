using DKube.Executors.Slurm;

namespace DKube.Grains.Workloads;

/// <summary>
/// The reason a run shows when a call into its backend throws. The user reads it in the run's
/// <c>reason</c>, so a refusal says who refused and why in their words, not an exception dump.
/// </summary>
internal static class BackendFailure
{
    public static string Describe(string what, Exception exception) => exception switch
    {
        // Slurm's own message (e.g. "Invalid partition name specified") is what the user can act on.
        SlurmRejectedException slurm =>
            $"Slurm refused the {slurm.Operation ?? what}: {slurm.SlurmMessage} (Slurm error {slurm.ErrorCode})",
        // Executors throw ArgumentException for a spec they will not send (e.g. an unknown sbatch option).
        ArgumentException argument => $"the cluster's executor refused the {what}: {WithoutParameterName(argument)}",
        HttpRequestException http => $"{what} failed: the cluster did not answer ({http.Message})",
        _ => $"{what} failed: {exception.Message}",
    };

    // ArgumentException appends " (Parameter 'spec')", which means nothing to a user.
    private static string WithoutParameterName(ArgumentException argument) =>
        argument.ParamName is { } name
            ? argument.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal)
            : argument.Message;
}

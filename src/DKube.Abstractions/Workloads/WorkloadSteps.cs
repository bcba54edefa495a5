namespace DKube.Abstractions.Workloads;

/// <summary>
/// The <c>reason</c> a workload shows while a long step is performed for it off any grain call:
/// its inputs and code are staged and it is handed to the backend (status <c>Starting</c>), and a
/// completed run's output becomes a version (status <c>Running</c>: the process has ended, the run has not).
/// </summary>
public static class WorkloadSteps
{
    public const string StagingInputs = "staging-inputs";
    public const string Submitting = "submitting";
    public const string SavingOutput = "saving-output";
}

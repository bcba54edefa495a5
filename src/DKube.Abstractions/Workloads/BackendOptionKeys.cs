namespace DKube.Abstractions.Workloads;

/// <summary>Keys of <see cref="WorkloadSpec.BackendOptions"/> that more than one layer reads.</summary>
public static class BackendOptionKeys
{
    /// <summary>The run's time limit in minutes; every backend enforces it.</summary>
    public const string TimeLimitMinutes = "timeLimitMinutes";

    /// <summary>
    /// Set on a TensorBoard only (the server sets it, no request can): the execution whose
    /// TensorBoard folder it serves, which becomes its <c>DKUBE_TENSORBOARD_DIR</c>.
    /// </summary>
    public const string TensorBoardOf = "dkube.tensorboardOf";

    /// <summary>Set with <see cref="TensorBoardOf"/>: the gateway path it is served under (its <c>DKUBE_BASE_URL</c>).</summary>
    public const string TensorBoardPath = "dkube.tensorboardPath";
}

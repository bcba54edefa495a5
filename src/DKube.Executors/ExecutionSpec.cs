namespace DKube.Executors;

/// <summary>
/// Everything a backend needs to run one piece of work (a run or an IDE): what to run, with
/// which resources, where, and for how long. Backends ignore what they cannot express and say
/// so in their validation errors rather than silently.
/// </summary>
public sealed record ExecutionSpec(
    string Id,
    WorkloadKind Kind,
    string User,
    string Group,
    string? Image,
    string Command,
    IReadOnlyDictionary<string, string> Environment,
    int GpusPerWorker,
    int Workers,
    IReadOnlyList<AssignedWorker> Placement,
    double CpusPerWorker,
    int MemoryGiBPerWorker,
    IReadOnlyList<string> NodeAffinity,
    IReadOnlyList<VolumeMount> Mounts,
    TimeSpan? TimeLimit,
    IReadOnlyDictionary<string, string> BackendOptions)
{
    /// <summary>
    /// The work answers HTTP (an IDE, a TensorBoard, a model server): the executor gives it a port of
    /// its own (<see cref="HttpEndpoint.PortVariable"/>) and the address to bind
    /// (<see cref="HttpEndpoint.BindAddressVariable"/>), and reports where it is reached in
    /// <see cref="ExecutionStatus.Endpoint"/> while it runs.
    /// </summary>
    public bool ServesHttp { get; init; }

    /// <summary>
    /// A TensorBoard: the id of the execution whose TensorBoard folder this work serves; the backend
    /// gives that folder (as the work sees it) in <c>DKUBE_TENSORBOARD_DIR</c>. The local executor
    /// supports it; the others refuse it.
    /// </summary>
    public string? TensorBoardOf { get; init; }

    /// <summary>Workers plus the master: DKube counts a distributed run as workers + 1 pods.</summary>
    public int WorkerCount => Workers + 1;
}

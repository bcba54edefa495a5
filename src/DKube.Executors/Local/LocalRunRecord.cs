namespace DKube.Executors.Local;

/// <summary>What the executor keeps of a submitted run in <c>.dkube/run.json</c>, to reconcile it after a restart.</summary>
/// <param name="Uid">The account the run executes as; null when it runs as the server's user.</param>
/// <param name="WritableMounts">Folders given to the run's account, taken back when it ends (before its output is read).</param>
/// <param name="Port">The loopback port given to work that serves HTTP, kept so an adopted run reports the same endpoint.</param>
/// <param name="GpuIndices">The GPUs it was given (every worker's), for its utilization.</param>
internal sealed record LocalRunRecord(
    string Id,
    WorkloadKind Kind,
    string User,
    string Group,
    DateTimeOffset SubmittedAt,
    TimeSpan? TimeLimit,
    int? Uid = null,
    IReadOnlyList<string>? WritableMounts = null,
    int? Port = null,
    IReadOnlyList<int>? GpuIndices = null)
{
    /// <summary>Where work that serves HTTP is reached; null for other work.</summary>
    public string? Endpoint => Port is { } port ? HttpEndpoint.Url("127.0.0.1", port) : null;
}

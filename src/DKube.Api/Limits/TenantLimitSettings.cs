namespace DKube.Api.Limits;

/// <summary>
/// The server-wide defaults of the per-caller limits (README: <c>DKUBE_RATE_*</c>, <c>DKUBE_API_PROCESSES</c>,
/// <c>DKUBE_MAX_CONCURRENT_REQUESTS</c>, <c>DKUBE_MAX_CONCURRENT_WRITES</c>, <c>DKUBE_TENANT_QUEUE_LIMIT</c>).
/// A rate is requests per second per caller; a burst of 0 means twice the rate (at least 1). A
/// concurrency of 0 means 16 per processor core; a write concurrency of 0 means the smaller of that
/// and <see cref="DefaultWritesPerCore"/> per processor core.
/// </summary>
public sealed record TenantLimitSettings(
    double ReadsPerSecond = 100,
    int ReadBurst = 0,
    double WritesPerSecond = 50,
    int WriteBurst = 0,
    int ApiProcesses = 1,
    double FeedsPerSecond = 2,
    double InferencePerSecond = 200,
    int MaxConcurrentRequests = 0,
    int TenantQueueLimit = 200,
    int MaxConcurrentWrites = 0)
{
    /// <summary>
    /// Write requests in their handlers at once per core when none is set. A write slot is a submission
    /// whose grain calls and group commits run inside the process: enough of them for the commits to
    /// batch, few enough that a flood's accepted work does not fill the silo's turns and commits that
    /// another tenant's requests wait behind (README, "Benchmarks", tenants: 16 per core let a flood
    /// hold 28 slots and raised another tenant's p99 six- to tenfold).
    /// </summary>
    public const int DefaultWritesPerCore = 4;

    /// <summary>Requests in their handlers at once in the read lane of one API process (and the write lane's bound when <see cref="MaxConcurrentWrites"/> is not set).</summary>
    public int Concurrency => MaxConcurrentRequests > 0 ? MaxConcurrentRequests : 16 * Environment.ProcessorCount;

    /// <summary>Requests in their handlers at once in the write lane of one API process.</summary>
    public int WriteConcurrency =>
        MaxConcurrentWrites > 0 ? MaxConcurrentWrites : Math.Min(Concurrency, DefaultWritesPerCore * Environment.ProcessorCount);

    /// <summary>The rate of a named partition (<see cref="LimitPartition"/>); its burst is two seconds' worth.</summary>
    public double RateOf(LimitPartition partition) =>
        partition == LimitPartition.Feeds ? FeedsPerSecond
        : partition == LimitPartition.Inference ? InferencePerSecond
        : throw new ArgumentOutOfRangeException(nameof(partition), partition.Name, "Not a limit partition.");

    /// <summary>The burst a rate gets when none is set: two seconds' worth, so that a short spike passes.</summary>
    public static int DefaultBurst(double perSecond) => Math.Max(1, (int)Math.Ceiling(perSecond * 2));

    /// <summary>Refuses a setting that would silently disable the limits or every request.</summary>
    public void Validate()
    {
        if (ReadsPerSecond <= 0 || WritesPerSecond <= 0 || FeedsPerSecond <= 0 || InferencePerSecond <= 0 || ReadBurst < 0 || WriteBurst < 0 || ApiProcesses < 1
            || MaxConcurrentRequests < 0 || TenantQueueLimit < 0 || MaxConcurrentWrites < 0)
        {
            throw new InvalidOperationException(
                "DKUBE_RATE_*_PER_SECOND must be above 0, the bursts, DKUBE_MAX_CONCURRENT_REQUESTS, DKUBE_MAX_CONCURRENT_WRITES and DKUBE_TENANT_QUEUE_LIMIT 0 or more, DKUBE_API_PROCESSES 1 or more.");
        }
    }
}

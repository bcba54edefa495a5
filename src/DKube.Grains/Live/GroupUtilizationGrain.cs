using DKube.Abstractions.Live;

namespace DKube.Grains.Live;

/// <summary>
/// Rolls up what the cluster agents sample for one group: the latest samples per cluster (each valid
/// until replaced or expired), per user; a short in-memory history of the totals; the gauges; and a
/// <c>utilization</c> event per report. Live figures, not records: nothing is persisted.
/// </summary>
public sealed class GroupUtilizationGrain(ILiveEvents live, UtilizationMetrics metrics, TimeProvider time) : Grain, IGroupUtilizationGrain
{
    /// <summary>How much history is kept (<c>GET /utilization/history</c> answers at most this window).</summary>
    public static readonly TimeSpan HistoryWindow = TimeSpan.FromHours(1);

    private readonly Dictionary<string, (DateTimeOffset Until, IReadOnlyList<WorkloadUsage> Usage)> _clusters = new(StringComparer.Ordinal);
    private readonly Queue<UtilizationPoint> _history = new();

    private string Group => this.GetPrimaryKeyString();

    public async Task Record(string cluster, DateTimeOffset at, TimeSpan validFor, IReadOnlyList<WorkloadUsage> usage)
    {
        var hadAny = _clusters.Values.Any(c => c.Usage.Count > 0);
        _clusters[cluster] = (at + validFor, usage);
        var now = Current();
        if (!hadAny && now.Workloads.Count == 0)
        {
            // Nothing ran and nothing runs: no point, no event (an idle group costs nothing).
            return;
        }

        metrics.Set(Group, now.Users);
        _history.Enqueue(Total(now));
        while (_history.Count > 0 && _history.Peek().At < now.At - HistoryWindow)
        {
            _history.Dequeue();
        }

        await live.Publish(LiveTopics.Utilization, LiveScope.OfGroup(Group), now);
    }

    public Task<GroupUtilization> Get() => Task.FromResult(Current());

    public Task<IReadOnlyList<UtilizationPoint>> History(TimeSpan window, TimeSpan step)
    {
        var end = time.GetUtcNow();
        var start = end - window;
        IReadOnlyList<UtilizationPoint> points = _history
            .Where(p => p.At > start)
            .GroupBy(p => (p.At - start).Ticks / step.Ticks)
            .Select(b => new UtilizationPoint(
                start + TimeSpan.FromTicks((b.Key + 1) * step.Ticks),
                b.Average(p => p.Gpus),
                b.Any(p => p.GpuUtilization is not null) ? b.Where(p => p.GpuUtilization is not null).Average(p => p.GpuUtilization!.Value) : null,
                b.Average(p => p.CpuCores),
                (long)b.Average(p => p.MemoryBytes),
                b.Average(p => p.Workloads)))
            .ToList();
        return Task.FromResult(points);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.Remove(Group);
        return Task.CompletedTask;
    }

    /// <summary>The unexpired samples of every cluster, rolled up per user.</summary>
    private GroupUtilization Current()
    {
        var now = time.GetUtcNow();
        // Local clusters share the silo's one local executor, so each of their agents reports every
        // local run: a workload counts once, as its newest report has it.
        var workloads = _clusters.Values.Where(c => c.Until >= now).OrderByDescending(c => c.Until).SelectMany(c => c.Usage)
            .DistinctBy(w => w.WorkloadId, StringComparer.Ordinal).ToList();
        return new GroupUtilization(Group, now, UtilizationRollup.PerUser(workloads), workloads);
    }

    private static UtilizationPoint Total(GroupUtilization now) => new(
        now.At,
        now.Users.Sum(u => u.Gpus),
        UtilizationRollup.MeanGpuUtilization(now.Workloads),
        now.Users.Sum(u => u.CpuCores),
        now.Users.Sum(u => u.MemoryBytes),
        now.Users.Sum(u => u.Workloads));
}

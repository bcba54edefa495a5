using DKube.Abstractions.Live;
using DKube.Executors;
using DKube.Grains.Execution;
using Microsoft.Extensions.Logging;

namespace DKube.Grains.Live;

/// <summary>
/// One sampling tick of a cluster's agent: asks its executor what each execution uses and reports it
/// to the utilization grain of each group, one call per group (and an empty report to a group that
/// had work there last tick, so its figures drop at once rather than when they expire).
/// </summary>
public sealed class UtilizationReporter(IGrainFactory grains, UtilizationOptions options, TimeProvider time, ILogger<UtilizationReporter> logger)
{
    public TimeSpan Period => options.Period;

    /// <summary>Samples and reports; returns the groups reported with work (the next tick's <paramref name="previousGroups"/>).</summary>
    public async Task<IReadOnlySet<string>> ReportAsync(string cluster, IExecutor executor, IReadOnlySet<string> previousGroups, CancellationToken cancellationToken)
    {
        IReadOnlyList<Executors.Usage.ExecutionUsage> samples;
        try
        {
            samples = await executor.SampleAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Sampling the executions of cluster {Cluster} failed", cluster);
            return previousGroups;
        }

        var byGroup = samples
            .Select(s => new WorkloadUsage(ExecutionIds.TryParse(s.Id, out var workload, out _) ? workload : s.Id, s.User, s.Group, s.Gpus, s.GpuUtilization, s.CpuCores, s.MemoryBytes))
            .GroupBy(u => u.Group, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<WorkloadUsage>)g.ToList(), StringComparer.Ordinal);
        foreach (var gone in previousGroups.Where(g => !byGroup.ContainsKey(g)))
        {
            byGroup[gone] = [];
        }

        var at = time.GetUtcNow();
        await Task.WhenAll(byGroup.Select(async g =>
        {
            try
            {
                await grains.GetGrain<IGroupUtilizationGrain>(g.Key).Record(cluster, at, options.ValidFor, g.Value);
            }
            catch (Exception e)
            {
                // The next tick reports again; the figures meanwhile are at most one period old.
                logger.LogDebug(e, "Utilization of group {Group} on cluster {Cluster} was not recorded", g.Key, cluster);
            }
        }));
        return byGroup.Where(g => g.Value.Count > 0).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
    }
}

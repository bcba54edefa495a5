using DKube.Abstractions.Live;
using DKube.Abstractions.Monitors;
using DKube.Abstractions.Serving;
using DKube.Grains.Affinity;
using DKube.Monitoring;

namespace DKube.Grains.Monitors;

/// <summary>
/// One evaluation of one component, computed on this silo: it reads the live window from the
/// prediction log (and for performance the ground truth), scores it against the baseline with
/// <see cref="MonitorScoring"/> and names this silo in the result (<see cref="MonitorResult.ComputedOn"/>).
/// The monitor grain uses it for a monitor without a cluster, the <see cref="MonitorWorkerGrain"/>
/// of a cluster for the others; both store nothing here.
/// </summary>
public sealed class MonitorComputation(
    IPredictionLog predictions,
    IMonitorRecords records,
    IGrainFactory grains,
    MonitorOptions options,
    SiloCluster siloCluster,
    ILocalSiloDetails silo)
{
    /// <summary>This silo, as results name it.</summary>
    public MonitorProvenance Here => new(siloCluster.Name, silo.SiloAddress.ToString());

    /// <summary>
    /// The result of <paramref name="work"/>; <paramref name="baseline"/> gives the baseline's
    /// schema and columns when the component needs them (a <see cref="Abstractions.Errors.DomainException"/>
    /// from it means the baseline cannot be read any more).
    /// </summary>
    public async Task<MonitorResult> ComputeAsync(MonitorWork work, Func<Task<(FeatureSchema Schema, ColumnTable Table)>> baseline)
    {
        var (spec, from, to) = (work.Spec, work.From, work.To);
        // An imported deployment is served elsewhere: its live data is what its owner posted (the
        // same log, the gateway never writes for it), and it has no replicas here.
        var posted = work.Deployment.Status == DeploymentStatus.Imported;
        var source = posted ? MonitorKinds.FromPosted : MonitorKinds.FromGateway;
        switch (work.Component)
        {
            case MonitorKinds.Drift:
            {
                var (schema, table) = await baseline();
                var rows = await LiveRowsAsync(spec.Deployment, from, to, schema);
                var scores = MonitorScoring.Drift(schema, table, MonitorScoring.LiveTable(schema, rows), spec.Schedule.Algorithm, spec.Thresholds);
                return new MonitorResult(to, work.Component, scores, from, rows.Count, Here, source);
            }

            case MonitorKinds.Performance:
            {
                var (schema, _) = await baseline();
                var pairs = await LabelledPairsAsync(work.Monitor, spec.Deployment, from, to, schema);
                return new MonitorResult(to, work.Component, MonitorScoring.Performance(spec.ModelType, spec.Schedule.Metrics, pairs, spec.Thresholds), from, pairs.Count, Here, source);
            }

            default:
            {
                var window = to - from;
                var buckets = window > TimeSpan.Zero
                    ? await predictions.StatsAsync(spec.Deployment, from, to, window)
                    : [];
                var replicas = posted ? [] : await ReplicaUsageAsync(work.Deployment);
                return new MonitorResult(to, work.Component, MonitorScoring.Health(buckets, window, replicas, spec.Thresholds), from, buckets.Sum(b => b.Requests), Here,
                    source, MonitorScoring.HealthNote(buckets, posted));
            }
        }
    }

    /// <summary>
    /// What each replica uses now, from the executors' utilization samples that the deployment's
    /// group keeps (the figures of <c>GET /utilization</c>): a replica with a transformer counts both
    /// its workloads. A replica not sampled yet (starting, or its executor's sample expired) is left out.
    /// </summary>
    private async Task<IReadOnlyList<WorkloadUsage>> ReplicaUsageAsync(DeploymentView deployment)
    {
        if (deployment.ReplicaList.Count == 0)
        {
            return [];
        }

        var sampled = (await grains.GetGrain<IGroupUtilizationGrain>(deployment.Group).Get()).Workloads
            .ToDictionary(w => w.WorkloadId, StringComparer.Ordinal);
        var replicas = new List<WorkloadUsage>();
        foreach (var replica in deployment.ReplicaList)
        {
            var used = new[] { replica.WorkloadId, replica.TransformerId }.OfType<string>().Select(sampled.GetValueOrDefault).OfType<WorkloadUsage>().ToList();
            if (used.Count > 0)
            {
                replicas.Add(used[0] with { CpuCores = used.Sum(u => u.CpuCores), MemoryBytes = used.Sum(u => u.MemoryBytes) });
            }
        }

        return replicas;
    }

    /// <summary>The instances the deployment was asked in <c>[from, to)</c>, the newest <see cref="MonitorOptions.MaxLiveRequests"/> requests.</summary>
    private async Task<List<LiveRow>> LiveRowsAsync(string deployment, DateTimeOffset from, DateTimeOffset to, FeatureSchema schema)
    {
        var inputs = ModelInputs(schema);
        var rows = new List<LiveRow>();
        await foreach (var record in predictions.ReadNewestAsync(deployment, from, to, options.MaxLiveRequests))
        {
            rows.AddRange(PredictionBodies.Rows(record, inputs));
        }

        return rows;
    }

    /// <summary>
    /// The columns a positional instance (<c>[[x0, x1]]</c>) fills, in the baseline's order: the
    /// inputs, and inputs the user chose not to monitor (<c>use: false</c>), which the model still takes.
    /// </summary>
    private static List<string> ModelInputs(FeatureSchema schema) =>
        schema.Columns.Where(c => c.Role is ColumnRole.Input or ColumnRole.Ignored).Select(c => c.Name).ToList();

    /// <summary>Ground truth received in <c>[from, to)</c> joined to the predictions of the lookback window by request id.</summary>
    private async Task<List<(string Truth, string Predicted)>> LabelledPairsAsync(string monitor, string deployment, DateTimeOffset from, DateTimeOffset to, FeatureSchema schema)
    {
        var labels = await records.ReadGroundTruthAsync(monitor, from, to);
        if (labels.Count == 0)
        {
            return [];
        }

        var wanted = labels.ToDictionary(l => l.RequestId, l => l.Label, StringComparer.Ordinal);
        var pairs = new List<(string, string)>();
        var inputs = ModelInputs(schema);
        await foreach (var record in predictions.ReadLabelledAsync(deployment, monitor, from, to, to - options.GroundTruthLookback, to))
        {
            var rows = PredictionBodies.Rows(record, inputs);
            for (var i = 0; i < rows.Count; i++)
            {
                // A request of one instance is labelled by its id; an instance of a batch by id#n (its id as a row).
                var label = wanted.TryGetValue(rows[i].Id, out var byRow) ? byRow : rows.Count > 1 && i == 0 && wanted.TryGetValue(record.RequestId, out var byRequest) ? byRequest : null;
                if (label is not null && rows[i].Prediction is { } predicted)
                {
                    pairs.Add((label, predicted));
                }
            }
        }

        return pairs;
    }
}

using DKube.Abstractions.Monitors;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Serving;
using DKube.Grains.Tests.Infrastructure;
using DKube.Grains.Tests.Workloads;
using Microsoft.Extensions.DependencyInjection;

namespace DKube.Grains.Tests.Monitors;

/// <summary>
/// A deployment (a custom runtime that never answers: only its existence matters here), a
/// baseline dataset of two continuous inputs and a 0/1 prediction and label (y = x0 &gt; 0.5), and
/// the real prediction log in PostgreSQL to write the deployment's traffic into.
/// </summary>
public sealed class MonitorWorld
{
    public const int BaselineRows = 300;

    private int _requests;

    private MonitorWorld(GrainClusterFixture fixture, WorkloadWorld world, string deployment, string dataset, string model)
    {
        Fixture = fixture;
        World = world;
        Deployment = deployment;
        Dataset = dataset;
        Model = model;
    }

    public GrainClusterFixture Fixture { get; }

    public WorkloadWorld World { get; }

    public string Deployment { get; }

    public string Dataset { get; }

    /// <summary>The deployment's model repository (version 1 deployed).</summary>
    public string Model { get; }

    public IPredictionLog Log => Fixture.Services.GetRequiredService<IPredictionLog>();

    public IMonitorRecords Records => Fixture.Services.GetRequiredService<IMonitorRecords>();

    public static async Task<MonitorWorld> CreateAsync(GrainClusterFixture fixture, params (string Name, string Content)[] extraFiles)
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var model = await world.RepoAsync(fixture, RepoKind.Model, WorkloadWorld.Owner, [("model.txt", "weights")]);
        var deployment = GrainClusterFixture.NewKey("d");
        await fixture.Grains.GetGrain<IDeploymentGrain>(deployment).Create(new DeploymentSpec(
            deployment, world.Group, null, null, new DeploymentModel(model, model, 1), new ServingRuntime(ServingRuntime.Custom, "sleep 600", null, null, ""),
            0, null, null, 1, 1, 10, world.Cluster, true, false), WorkloadWorld.Owner);
        var dataset = await world.DatasetAsync(fixture, [("baseline.csv", MonitorSamples.BaselineCsv(new Random(1), BaselineRows)), .. extraFiles]);
        return new MonitorWorld(fixture, world, deployment, dataset, model);
    }

    /// <summary>Imports a deployment served elsewhere (status <c>Imported</c>, no replicas) in this world's group; answers its id.</summary>
    public async Task<string> ImportAsync()
    {
        var id = GrainClusterFixture.NewKey("d");
        await Fixture.Grains.GetGrain<IDeploymentGrain>(id).Import(new DeploymentSpec(
            id, World.Group, null, null, new DeploymentModel(Model, Model, 1), new ServingRuntime("external", null, null, null, ""),
            0, null, null, 0, 0, DeploymentSpec.DefaultMaxConcurrentRequests, null, true, false), "https://models.example.com/" + id, WorkloadWorld.Owner);
        return id;
    }

    /// <summary>A spec over this world's baseline; <paramref name="configure"/> changes it.</summary>
    public MonitorSpec Spec(Func<MonitorSpec, MonitorSpec>? configure = null, string? file = null)
    {
        var spec = new MonitorSpec("m", Deployment, MonitorKinds.Classification, new MonitorBaseline(Dataset, "baseline", 1, null, null, file), [],
            new MonitorSchedule(10, "auto", 10, MonitorKinds.ClassificationMetrics, 5), new Dictionary<string, ThresholdSpec>(), []);
        return configure is null ? spec : configure(spec);
    }

    public Task<MonitorView> CreateAsync(IMonitorGrain monitor, MonitorSpec spec) =>
        monitor.Create(spec, WorkloadWorld.Owner, WorkloadWorld.Owner, World.Group, null);

    /// <summary>Logs <paramref name="count"/> single-instance requests drawn with x0 shifted by <paramref name="shift"/>; returns (request id, prediction).</summary>
    public async Task<IReadOnlyList<(string RequestId, int Prediction)>> TrafficAsync(int count, double shift, int seed)
    {
        var random = new Random(seed);
        var records = new List<PredictionRecord>();
        var sent = new List<(string, int)>();
        for (var i = 0; i < count; i++)
        {
            var instance = MonitorSamples.Instance(random, shift);
            var prediction = instance.X0 > 0.5 ? 1 : 0;
            var id = $"req-{Interlocked.Increment(ref _requests)}-{seed}";
            records.Add(new PredictionRecord(Deployment, id, Fixture.Time.GetUtcNow(), 200, 3 + i % 7,
                MonitorSamples.Body(instance), $$"""{"predictions": [{{prediction}}]}"""));
            sent.Add((id, prediction));
        }

        await Log.AppendAsync(records);
        return sent;
    }
}

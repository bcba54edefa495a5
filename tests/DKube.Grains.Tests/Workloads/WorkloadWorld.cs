using DKube.Abstractions.Clusters;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Tenancy;
using DKube.Abstractions.Workloads;
using DKube.Grains.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DKube.Grains.Tests.Workloads;

/// <summary>
/// A fresh local cluster (one node, four virtual GPUs) and a group whose pool draws on it, for one
/// test: runs started here are real processes of the test silo's local executor.
/// </summary>
public sealed class WorkloadWorld(GrainClusterFixture fixture, string cluster, string group)
{
    public const string Owner = "ann";

    public string Cluster { get; } = cluster;

    public string Group { get; } = group;

    /// <summary>A folder of this test where runs may leave marks (each run appends a line per start).</summary>
    public string Marks { get; } = Directory.CreateDirectory(Path.Combine(fixture.DataDir, "marks", cluster)).FullName;

    /// <summary>The world; its group's pool holds <paramref name="groupGpus"/> of the cluster's four GPUs.</summary>
    public static async Task<WorkloadWorld> CreateAsync(GrainClusterFixture fixture, int groupGpus = 4)
    {
        var world = new WorkloadWorld(fixture, GrainClusterFixture.NewKey("c"), GrainClusterFixture.NewKey("g"));
        await fixture.Grains.GetGrain<IClusterGrain>(world.Cluster)
            .Register(new ClusterSpec(world.Cluster, ClusterKind.Local, [new NodeInfo("n1", 4, 8, 16, [])], new Dictionary<string, string>()));
        await fixture.Grains.GetGrain<IGroupGrain>(world.Group).Create(groupGpus, [world.Cluster], null, null);
        return world;
    }

    /// <summary>A 1-GPU run of <paramref name="command"/> that first appends a line to its file in <see cref="Marks"/>.</summary>
    public WorkloadSpec Run(string command, IReadOnlyList<VersionRef>? inputs = null, OutputRef? output = null) =>
        new("r", "training", Group, null, null, null, $"echo start >> {Marks}/$DKUBE_RUN_ID && {command}", inputs ?? [], output,
            new Dictionary<string, string>(), 1, false, null, Cluster, [], TimeSpan.Zero, new Dictionary<string, string>());

    /// <summary>How many times a process of the first attempt of workload <paramref name="id"/> was started.</summary>
    public int StartsOf(string id)
    {
        var file = Path.Combine(Marks, DKube.Grains.Execution.ExecutionIds.For(id, 1));
        return File.Exists(file) ? File.ReadAllLines(file).Length : 0;
    }

    /// <summary>A versioned dataset with one version holding <paramref name="files"/>.</summary>
    public Task<string> DatasetAsync(GrainClusterFixture fixture, params (string Name, string Content)[] files) =>
        RepoAsync(fixture, RepoKind.Dataset, Owner, files.Length > 0 ? [files] : []);

    /// <summary>A versioned repository of <paramref name="owner"/> in this world's group, with one version per entry of <paramref name="versions"/>.</summary>
    public async Task<string> RepoAsync(GrainClusterFixture fixture, RepoKind kind, string owner, params (string Name, string Content)[][] versions)
    {
        var id = GrainClusterFixture.NewKey("ds");
        await fixture.Grains.GetGrain<IDataRepoGrain>(id).Create(new DataRepoSpec(kind, id, owner, Group, null, null, true, null, [], null));
        foreach (var files in versions)
        {
            await using var tar = new MemoryStream(Tar(files));
            await fixture.Services.GetRequiredService<IVersionArchives>().ImportAsync(kind, id, tar, ArchiveFormat.Tar, owner, CancellationToken.None);
        }

        return id;
    }

    public static async Task<WorkloadView> FinalAsync(IWorkloadGrain workload, TimeSpan? timeout = null) =>
        (await Eventually.Until(workload.Get, v => v!.Status.IsFinal(), timeout ?? TimeSpan.FromSeconds(90), "the workload ended"))!;

    private static byte[] Tar((string Name, string Content)[] files)
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Formats.Tar.TarWriter(buffer, System.Formats.Tar.TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                writer.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, name)
                {
                    DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)),
                });
            }
        }

        return buffer.ToArray();
    }
}

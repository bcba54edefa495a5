namespace DKube.Scheduling.Tests;

/// <summary>Terse builders so each test states only what matters to its rule.</summary>
internal static class Make
{
    public static readonly DateTimeOffset T0 = new(2025, 1, 1, 8, 0, 0, TimeSpan.Zero);

    public static NodeSpec Node(string name, int gpus, params string[] labels) => new(name, gpus, 32, 256, labels);

    public static ClusterInventory Cluster(string name, params NodeSpec[] nodes) => new(name, nodes);

    public static GpuRequest Request(
        string id,
        int gpus,
        int workers = 0,
        DistributionMode mode = DistributionMode.Auto,
        string[]? affinity = null,
        bool startWithAvailable = false,
        TimeSpan? duration = null,
        string? cluster = null) =>
        new(id, "alice", gpus, workers, mode, affinity ?? [], startWithAvailable, duration ?? TimeSpan.FromHours(1), cluster);

    /// <summary>A pool over one cluster "c1" with a single node "n1" holding <paramref name="nodeGpus"/> GPUs.</summary>
    public static GroupPool Pool(
        int size,
        int nodeGpus = 8,
        QueuePolicy policy = QueuePolicy.StrictFifo,
        TimeSpan? maxHeadAge = null) =>
        new(size, policy, maxHeadAge ?? TimeSpan.FromMinutes(30), [Cluster("c1", Node("n1", nodeGpus))]);

    public static Admission Admitted(AdmissionDecision decision) => Assert.IsType<AdmittedDecision>(decision).Admission;

    public static QueueEntry Queued(AdmissionDecision decision) => Assert.IsType<QueuedDecision>(decision).Entry;

    public static RejectedDecision Rejected(AdmissionDecision decision) => Assert.IsType<RejectedDecision>(decision);

    public static IEnumerable<int> Indices(Placement placement, string node) =>
        placement.Workers.Where(w => w.Node == node).SelectMany(w => w.GpuIndices);
}

using DKube.Executors;
using DKube.Executors.Kubernetes;
using DKube.Kubernetes.Tests.Fake;
using Microsoft.Extensions.Logging.Abstractions;

namespace DKube.Kubernetes.Tests;

/// <summary>A fake API server and an executor that reaches it through a kubeconfig, as in production.</summary>
internal sealed class KubernetesHarness : IAsyncDisposable
{
    private KubernetesHarness(FakeApiServer server, KubernetesOptions options)
    {
        Server = server;
        Options = options;
        Executor = new KubernetesExecutor(options, Sink, TimeProvider.System, NullLogger<KubernetesExecutor>.Instance);
    }

    public FakeApiServer Server { get; }

    public KubernetesOptions Options { get; }

    public RecordingSink Sink { get; } = new();

    public KubernetesExecutor Executor { get; }

    /// <param name="volumeClaim">The claim runs' staged files travel through, seen by this silo at <paramref name="stagingPath"/>.</param>
    public static async Task<KubernetesHarness> StartAsync(string? volumeClaim = null, string? stagingPath = null)
    {
        var server = await FakeApiServer.StartAsync();
        return new KubernetesHarness(server, new KubernetesOptions
        {
            Kubeconfig = server.Kubeconfig,
            Namespace = FakeApiServer.Namespace,
            VolumeClaim = volumeClaim,
            StagingPath = stagingPath,
            WatchRetryDelay = TimeSpan.FromMilliseconds(50),
            LogPollInterval = TimeSpan.FromMilliseconds(50),
        });
    }

    public static ExecutionSpec Run(string id, int workers = 0, int gpus = 1) => new(
        Id: id,
        Kind: WorkloadKind.Run,
        User: "alice@example.com",
        Group: "vision team",
        Image: "pytorch/pytorch:2.4",
        Command: "python train.py --epochs 3",
        Environment: new Dictionary<string, string> { ["EPOCHS"] = "3", ["DKUBE_USER"] = "mallory" },
        GpusPerWorker: gpus,
        Workers: workers,
        Placement: [],
        CpusPerWorker: 1.5,
        MemoryGiBPerWorker: 8,
        NodeAffinity: ["gpu-type=a100", "infiniband"],
        Mounts: [],
        TimeLimit: TimeSpan.FromMinutes(90),
        BackendOptions: new Dictionary<string, string>());

    public static ExecutionSpec Ide(string id) => Run(id, gpus: 1) with { Kind = WorkloadKind.Ide, Command = "jupyter lab --port 8888", TimeLimit = null };

    public int Count(string method, string pathEnd, Func<FakeRequest, bool>? also = null) =>
        Server.Requests.Count(r => r.Method == method && r.Path.EndsWith(pathEnd, StringComparison.Ordinal) && (also?.Invoke(r) ?? true));

    public async ValueTask DisposeAsync()
    {
        await Executor.DisposeAsync();
        await Server.DisposeAsync();
    }
}

using DKube.Executors;
using DKube.Executors.Slurm;
using Microsoft.Extensions.Logging.Abstractions;

namespace DKube.Slurm.Tests;

/// <summary>The real Slurm the tests run against (<see cref="SlurmEnvironment"/>), as executors see it.</summary>
public sealed class SlurmFixture : IAsyncLifetime
{
    public SlurmOptions Options { get; private set; } = null!;

    /// <summary>A prefix unique to this test run, so job names never meet jobs of an earlier run.</summary>
    public string RunPrefix { get; } = "t" + Guid.NewGuid().ToString("N")[..8];

    public string NewId(string what) => $"{RunPrefix}-{what}";

    public SlurmExecutor NewExecutor(RecordingSink sink) =>
        new(Options, sink, TimeProvider.System, NullLogger<SlurmExecutor>.Instance);

    public async Task InitializeAsync() => Options = (await SlurmEnvironment.LoadAsync()).ExecutorOptions();

    public Task DisposeAsync() => Task.CompletedTask;

    public static ExecutionSpec Spec(string id, string command, int gpus = 0, int workers = 0,
        IReadOnlyDictionary<string, string>? backendOptions = null) =>
        new(
            id,
            WorkloadKind.Run,
            User: "alice",
            Group: "vision",
            Image: null,
            Command: command,
            Environment: new Dictionary<string, string> { ["GREETING"] = "hello" },
            GpusPerWorker: gpus,
            Workers: workers,
            Placement: [],
            CpusPerWorker: 1,
            MemoryGiBPerWorker: 0,
            NodeAffinity: [],
            Mounts: [],
            TimeLimit: TimeSpan.FromMinutes(10),
            BackendOptions: backendOptions ?? new Dictionary<string, string>());
}

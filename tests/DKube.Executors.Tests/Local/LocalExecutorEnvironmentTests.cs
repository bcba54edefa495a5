using System.Text.Json;

namespace DKube.Executors.Tests.Local;

public class LocalExecutorEnvironmentTests : IAsyncLifetime
{
    private readonly LocalHarness _harness;

    /// <summary>Runs start through the compiled helper (<c>dkube-runwrap</c>); <see cref="LocalExecutorEnvironmentShellWrapperTests"/> runs the same tests through the shell wrapper.</summary>
    public LocalExecutorEnvironmentTests()
        : this(shellWrapper: false)
    {
    }

    protected LocalExecutorEnvironmentTests(bool shellWrapper) => _harness = new(shellWrapper);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task The_run_gets_the_callers_variables_and_dkubes_own()
    {
        var executor = _harness.NewExecutor();
        var spec = LocalHarness.Spec(
            "env > env.txt",
            environment: new Dictionary<string, string> { ["LEARNING_RATE"] = "0.01", ["DKUBE_RUN_ID"] = "someone-else" });

        await executor.SubmitAsync(spec, CancellationToken.None);
        Assert.Equal(ExecutionState.Succeeded, (await _harness.Sink.FinalAsync(spec.Id)).State);
        var env = await ReadEnvironmentAsync(spec.Id);

        Assert.Equal("0.01", env["LEARNING_RATE"]);
        Assert.Equal(spec.Id, env["DKUBE_RUN_ID"]);
        Assert.Equal("alice", env["DKUBE_USER"]);
        Assert.Equal("vision", env["DKUBE_GROUP"]);
        Assert.Equal(_harness.WorkDir(spec.Id), env["DKUBE_WORK_DIR"]);
        Assert.Equal(string.Empty, env["CUDA_VISIBLE_DEVICES"]);
        Assert.True(Directory.Exists(env["DKUBE_TENSORBOARD_DIR"]));
        Assert.StartsWith(_harness.WorkDir(spec.Id), env["DKUBE_TENSORBOARD_DIR"], StringComparison.Ordinal);
        Assert.StartsWith(_harness.WorkDir(spec.Id), env["DKUBE_METRICS_FILE"], StringComparison.Ordinal);
        Assert.False(env.ContainsKey("DKUBE_HYPERPARAMETERS_FILE"));
    }

    [Fact]
    public async Task The_server_environment_is_not_handed_to_runs()
    {
        var secret = $"DKUBE_TEST_SECRET_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(secret, "hunter2");
        try
        {
            var executor = _harness.NewExecutor();
            var spec = LocalHarness.Spec("env > env.txt");

            await executor.SubmitAsync(spec, CancellationToken.None);
            await _harness.Sink.FinalAsync(spec.Id);

            Assert.False((await ReadEnvironmentAsync(spec.Id)).ContainsKey(secret));
        }
        finally
        {
            Environment.SetEnvironmentVariable(secret, null);
        }
    }

    [Fact]
    public async Task Cuda_visible_devices_lists_the_first_workers_gpus()
    {
        var executor = _harness.NewExecutor();
        var spec = LocalHarness.Spec("env > env.txt", placement: [new AssignedWorker("node-a", [2, 5])]);

        await executor.SubmitAsync(spec, CancellationToken.None);
        await _harness.Sink.FinalAsync(spec.Id);

        Assert.Equal("2,5", (await ReadEnvironmentAsync(spec.Id))["CUDA_VISIBLE_DEVICES"]);
    }

    [Fact]
    public async Task A_distributed_run_is_one_master_process_told_where_its_workers_are()
    {
        var executor = _harness.NewExecutor();
        var spec = LocalHarness.Spec("env > env.txt", workers: 1, placement: [new AssignedWorker("n1", [0, 1]), new AssignedWorker("n2", [3, 4])]);

        await executor.SubmitAsync(spec, CancellationToken.None);
        Assert.Equal(ExecutionState.Succeeded, (await _harness.Sink.FinalAsync(spec.Id)).State);

        var env = await ReadEnvironmentAsync(spec.Id);
        Assert.Equal("0,1", env["CUDA_VISIBLE_DEVICES"]);
        Assert.Equal("2", env["DKUBE_NUM_WORKERS"]);
        Assert.Equal("n1:0,1;n2:3,4", env["DKUBE_WORKER_PLACEMENT"]);
    }

    [Fact]
    public async Task The_run_is_told_its_cpus_and_memory_and_its_memory_is_limited()
    {
        var executor = _harness.NewExecutor();
        var spec = LocalHarness.Spec("env > env.txt; ulimit -d > limit.txt") with { CpusPerWorker = 2.5, MemoryGiBPerWorker = 3 };

        await executor.SubmitAsync(spec, CancellationToken.None);
        Assert.Equal(ExecutionState.Succeeded, (await _harness.Sink.FinalAsync(spec.Id)).State);

        var env = await ReadEnvironmentAsync(spec.Id);
        Assert.Equal("2.5", env["DKUBE_CPUS"]);
        Assert.Equal("3", env["OMP_NUM_THREADS"]);
        Assert.Equal("3", env["DKUBE_MEMORY_GIB"]);
        Assert.Equal((3L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), (await File.ReadAllTextAsync(_harness.FileOf(spec.Id, "limit.txt"))).Trim());
    }

    [Fact]
    public async Task A_run_that_allocates_past_its_memory_fails()
    {
        var executor = _harness.NewExecutor();
        // 1 GiB allowed; the buffer below needs 1.5 GiB (without the limit it is only reserved, never touched).
        var spec = LocalHarness.Spec("/usr/bin/python3 -c 'b = bytearray(1500 * 1024 * 1024)'") with { MemoryGiBPerWorker = 1 };

        await executor.SubmitAsync(spec, CancellationToken.None);

        Assert.Equal(ExecutionState.Failed, (await _harness.Sink.FinalAsync(spec.Id)).State);
    }

    [Fact]
    public async Task The_metrics_file_collects_the_lines_the_run_appends()
    {
        var executor = _harness.NewExecutor();
        var spec = LocalHarness.Spec(
            """echo '{"step":1,"loss":0.5}' >> "$DKUBE_METRICS_FILE"; echo '{"step":2,"loss":0.25}' >> "$DKUBE_METRICS_FILE" """);

        await executor.SubmitAsync(spec, CancellationToken.None);
        Assert.Equal(ExecutionState.Succeeded, (await _harness.Sink.FinalAsync(spec.Id)).State);
        var lines = await File.ReadAllLinesAsync(_harness.FileOf(spec.Id, "metrics.jsonl"));

        Assert.Equal([0.5, 0.25], lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("loss").GetDouble()));
    }

    [Fact]
    public async Task Hyperparameters_are_written_to_a_file_the_run_is_told_about()
    {
        var executor = _harness.NewExecutor();
        const string hyperparameters = """{"lr":0.1,"layers":[64,64]}""";
        var spec = LocalHarness.Spec(
            "cp \"$DKUBE_HYPERPARAMETERS_FILE\" seen.json",
            backendOptions: new Dictionary<string, string> { ["hyperparameters.json"] = hyperparameters });

        await executor.SubmitAsync(spec, CancellationToken.None);
        Assert.Equal(ExecutionState.Succeeded, (await _harness.Sink.FinalAsync(spec.Id)).State);

        Assert.Equal(hyperparameters, await File.ReadAllTextAsync(_harness.FileOf(spec.Id, "seen.json")));
    }

    [Fact]
    public async Task A_mount_makes_its_source_visible_at_the_mount_path()
    {
        var source = Directory.CreateTempSubdirectory("dkube-source-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(source, "hello.txt"), "hello from the dataset");
            var executor = _harness.NewExecutor();
            var spec = LocalHarness.Spec("cat data/in/hello.txt > seen.txt", mounts: [new VolumeMount(source, "/data/in", ReadOnly: true)]);

            await executor.SubmitAsync(spec, CancellationToken.None);
            Assert.Equal(ExecutionState.Succeeded, (await _harness.Sink.FinalAsync(spec.Id)).State);

            Assert.Equal("hello from the dataset", await File.ReadAllTextAsync(_harness.FileOf(spec.Id, "seen.txt")));
        }
        finally
        {
            Directory.Delete(source, recursive: true);
        }
    }

    private async Task<Dictionary<string, string>> ReadEnvironmentAsync(string id) =>
        (await File.ReadAllLinesAsync(_harness.FileOf(id, "env.txt")))
            .Where(l => l.Contains('=', StringComparison.Ordinal))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
}

/// <summary>The same tests with the shell wrapper, the fallback where no compiled helper was built.</summary>
public sealed class LocalExecutorEnvironmentShellWrapperTests() : LocalExecutorEnvironmentTests(shellWrapper: true);

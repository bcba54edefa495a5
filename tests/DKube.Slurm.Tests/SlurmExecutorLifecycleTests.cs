using DKube.Executors;
using DKube.Executors.Slurm;

namespace DKube.Slurm.Tests;

[Collection(SlurmCollection.Name)]
public sealed class SlurmExecutorLifecycleTests(SlurmFixture slurm)
{
    [Fact]
    public async Task A_job_runs_to_Succeeded_and_its_output_with_stderr_and_DKube_variables_is_readable()
    {
        var sink = new RecordingSink();
        await using var executor = slurm.NewExecutor(sink);
        var id = slurm.NewId("ok");

        var jobId = await executor.SubmitAsync(
            SlurmFixture.Spec(id, "echo \"$GREETING run=$DKUBE_RUN_ID user=$DKUBE_USER group=$DKUBE_GROUP\"; echo oops >&2"),
            CancellationToken.None);

        var done = await sink.WaitForAsync(id, s => s.IsFinal);
        Assert.Equal(ExecutionState.Succeeded, done.State);
        Assert.Equal(0, done.ExitCode);
        Assert.Equal(jobId, done.BackendId);

        var log = await Collect(executor.ReadLogAsync(id, follow: false, CancellationToken.None));
        Assert.Contains($"hello run={id} user=alice group=vision", log);
        Assert.Contains("oops", log);
    }

    [Fact]
    public async Task Exit_code_3_is_Failed_with_code_3()
    {
        var sink = new RecordingSink();
        await using var executor = slurm.NewExecutor(sink);
        var id = slurm.NewId("exit3");

        await executor.SubmitAsync(SlurmFixture.Spec(id, "exit 3"), CancellationToken.None);

        var done = await sink.WaitForAsync(id, s => s.IsFinal);
        Assert.Equal(ExecutionState.Failed, done.State);
        Assert.Equal(3, done.ExitCode);
    }

    [Fact]
    public async Task More_GPUs_than_any_node_has_is_rejected_with_Slurms_error_code()
    {
        await using var executor = slurm.NewExecutor(new RecordingSink());

        var rejected = await Assert.ThrowsAsync<SlurmRejectedException>(
            () => executor.SubmitAsync(SlurmFixture.Spec(slurm.NewId("toobig"), "true", gpus: 64), CancellationToken.None));

        Assert.Equal(2014, rejected.ErrorCode);
        Assert.Contains("node configuration", rejected.SlurmMessage, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_backend_option_outside_the_allow_list_is_refused_before_Slurm_sees_it()
    {
        await using var executor = slurm.NewExecutor(new RecordingSink());
        var options = new Dictionary<string, string> { ["sbatch.uid"] = "0" };

        await Assert.ThrowsAsync<ArgumentException>(
            () => executor.SubmitAsync(SlurmFixture.Spec(slurm.NewId("badopt"), "true", backendOptions: options), CancellationToken.None));
    }

    [Fact]
    public async Task Stop_cancels_a_running_job_which_is_then_Stopped()
    {
        var sink = new RecordingSink();
        await using var executor = slurm.NewExecutor(sink);
        var id = slurm.NewId("stop");

        await executor.SubmitAsync(SlurmFixture.Spec(id, "sleep 300", gpus: 1), CancellationToken.None);
        await sink.WaitForAsync(id, ExecutionState.Running);
        await executor.StopAsync(id, TimeSpan.FromSeconds(5), CancellationToken.None);

        var done = await sink.WaitForAsync(id, s => s.IsFinal);
        Assert.Equal(ExecutionState.Stopped, done.State);
        await executor.StopAsync(id, TimeSpan.Zero, CancellationToken.None); // an ended job: ignored
        await executor.StopAsync(slurm.NewId("never"), TimeSpan.Zero, CancellationToken.None); // unknown: ignored
    }

    [Fact]
    public async Task Submitting_the_same_id_twice_yields_one_job()
    {
        var sink = new RecordingSink();
        await using var executor = slurm.NewExecutor(sink);
        var id = slurm.NewId("twice");
        var spec = SlurmFixture.Spec(id, "sleep 300", gpus: 1);

        var first = await executor.SubmitAsync(spec, CancellationToken.None);
        var second = await executor.SubmitAsync(spec, CancellationToken.None);
        await using var other = slurm.NewExecutor(new RecordingSink());
        var third = await other.SubmitAsync(spec, CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal(first, third);
        await executor.StopAsync(id, TimeSpan.Zero, CancellationToken.None);
        await sink.WaitForAsync(id, s => s.IsFinal);
    }

    [Fact]
    public async Task A_followed_log_yields_lines_as_they_are_written_and_ends_with_the_job()
    {
        var sink = new RecordingSink();
        await using var executor = slurm.NewExecutor(sink);
        var id = slurm.NewId("follow");

        await executor.SubmitAsync(SlurmFixture.Spec(id, "for i in 1 2 3; do echo line$i; sleep 1; done; printf tail"), CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var log = await Collect(executor.ReadLogAsync(id, follow: true, timeout.Token));

        Assert.Equal(["line1", "line2", "line3", "tail"], log);
        Assert.Equal(ExecutionState.Succeeded, (await sink.WaitForAsync(id, s => s.IsFinal)).State);
    }

    private static async Task<List<string>> Collect(IAsyncEnumerable<string> lines)
    {
        var all = new List<string>();
        await foreach (var line in lines)
        {
            all.Add(line);
        }

        return all;
    }
}

using DKube.Executors;

namespace DKube.Slurm.Tests;

[Collection(SlurmCollection.Name)]
public sealed class SlurmReconcileTests(SlurmFixture slurm)
{
    [Fact]
    public async Task A_new_executor_adopts_a_running_job_and_reports_Lost_for_an_unknown_id()
    {
        var id = slurm.NewId("adopt");
        var unknown = slurm.NewId("unknown");
        var firstSink = new RecordingSink();
        await using (var first = slurm.NewExecutor(firstSink))
        {
            await first.SubmitAsync(SlurmFixture.Spec(id, "sleep 300", gpus: 1), CancellationToken.None);
            await firstSink.WaitForAsync(id, ExecutionState.Running);
        }

        // As after a silo restart: a fresh executor that knows nothing but the ids.
        var sink = new RecordingSink();
        await using var second = slurm.NewExecutor(sink);
        var statuses = await second.ReconcileAsync([id, unknown], CancellationToken.None);

        Assert.Equal(ExecutionState.Running, Assert.Single(statuses, s => s.Id == id).State);
        Assert.Equal(ExecutionState.Lost, Assert.Single(statuses, s => s.Id == unknown).State);

        // Adopted means watched: the end is pushed to the new executor's sink.
        await second.StopAsync(id, TimeSpan.Zero, CancellationToken.None);
        Assert.Equal(ExecutionState.Stopped, (await sink.WaitForAsync(id, s => s.IsFinal)).State);
    }

    [Fact]
    public async Task Reconcile_reports_the_final_state_of_a_job_that_already_ended()
    {
        var id = slurm.NewId("ended");
        var sink = new RecordingSink();
        await using (var first = slurm.NewExecutor(sink))
        {
            await first.SubmitAsync(SlurmFixture.Spec(id, "exit 7"), CancellationToken.None);
            await sink.WaitForAsync(id, s => s.IsFinal);
        }

        await using var second = slurm.NewExecutor(new RecordingSink());
        var status = Assert.Single(await second.ReconcileAsync([id], CancellationToken.None));

        Assert.Equal(ExecutionState.Failed, status.State);
        Assert.Equal(7, status.ExitCode);
    }
}

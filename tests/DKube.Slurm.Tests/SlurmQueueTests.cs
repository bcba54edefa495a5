using DKube.Executors;

namespace DKube.Slurm.Tests;

[Collection(SlurmCollection.Name)]
public sealed class SlurmQueueTests(SlurmFixture slurm)
{
    [Fact]
    public async Task With_8_GPUs_a_third_4_GPU_job_is_Pending_with_a_reason_and_runs_once_one_is_cancelled()
    {
        var sink = new RecordingSink();
        await using var executor = slurm.NewExecutor(sink);
        var ids = new[] { slurm.NewId("q1"), slurm.NewId("q2"), slurm.NewId("q3") };
        try
        {
            await executor.SubmitAsync(SlurmFixture.Spec(ids[0], "sleep 300", gpus: 4), CancellationToken.None);
            await executor.SubmitAsync(SlurmFixture.Spec(ids[1], "sleep 300", gpus: 4), CancellationToken.None);
            await sink.WaitForAsync(ids[0], ExecutionState.Running);
            await sink.WaitForAsync(ids[1], ExecutionState.Running);

            await executor.SubmitAsync(SlurmFixture.Spec(ids[2], "sleep 300", gpus: 4), CancellationToken.None);
            var pending = await sink.WaitForAsync(ids[2], ExecutionState.Pending);
            Assert.False(string.IsNullOrEmpty(pending.Reason)); // Slurm's words, e.g. "Resources"
            Assert.DoesNotContain(sink.Of(ids[2]), s => s.State == ExecutionState.Running);

            await executor.StopAsync(ids[0], TimeSpan.Zero, CancellationToken.None);
            Assert.Equal(ExecutionState.Stopped, (await sink.WaitForAsync(ids[0], s => s.IsFinal)).State);
            await sink.WaitForAsync(ids[2], ExecutionState.Running);
        }
        finally
        {
            foreach (var id in ids)
            {
                await executor.StopAsync(id, TimeSpan.Zero, CancellationToken.None);
            }

            foreach (var id in ids)
            {
                await sink.WaitForAsync(id, s => s.IsFinal);
            }
        }
    }
}

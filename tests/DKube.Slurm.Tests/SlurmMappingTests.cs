using DKube.Executors;
using DKube.Executors.Slurm;

namespace DKube.Slurm.Tests;

/// <summary>The pure parts, pinned without a cluster.</summary>
public sealed class SlurmMappingTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.UnixEpoch;

    [Theory]
    [InlineData("PENDING", "Resources", 0, ExecutionState.Pending, null, "Resources")]
    [InlineData("RUNNING", "None", 0, ExecutionState.Running, null, null)]
    [InlineData("COMPLETED", "None", 0, ExecutionState.Succeeded, 0, null)]
    [InlineData("FAILED", "NonZeroExitCode", 3 << 8, ExecutionState.Failed, 3, "NonZeroExitCode")]
    [InlineData("FAILED", "None", 9, ExecutionState.Failed, 137, "killed by signal 9")]
    [InlineData("CANCELLED", "None", 15, ExecutionState.Stopped, null, "cancelled")]
    [InlineData("TIMEOUT", "TimeLimit", 0, ExecutionState.Failed, 0, "time limit")]
    [InlineData("NODE_FAIL", "NodeDown", 0, ExecutionState.Failed, 0, "node failure (NodeDown)")]
    public void Slurm_states_map_to_DKube_states(
        string slurmState, string reason, int waitStatus, ExecutionState state, int? exitCode, string? expectedReason)
    {
        var status = SlurmStatusMapper.Map("r1", 42, slurmState, reason, null, waitStatus, null, At);

        Assert.Equal(state, status.State);
        Assert.Equal(exitCode, status.ExitCode);
        Assert.Equal(expectedReason, status.Reason);
        Assert.Equal("42", status.BackendId);
    }

    [Theory]
    [InlineData("gpu:8", 8, null)]
    [InlineData("gpu:a100:4(S:0-1)", 4, "a100")]
    [InlineData("gpu:a100:2,gpu:v100:2,shard:8", 4, "a100")]
    [InlineData("(null)", 0, null)]
    [InlineData("", 0, null)]
    public void GPU_counts_are_read_from_GRES(string gres, int count, string? type)
    {
        Assert.Equal((count, type), SlurmGres.Gpus(gres));
    }

    [Fact]
    public async Task The_jobcomp_log_gives_the_newest_final_record_per_name()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllLinesAsync(path,
            [
                "JobId=1 UserId=slurm(64030) GroupId=slurm(64030) Name=r1 JobState=COMPLETED Partition=gpu ExitCode=0:0 ",
                "JobId=5 UserId=slurm(64030) GroupId=slurm(64030) Name=r1 JobState=FAILED Partition=gpu DerivedExitCode=0:0 ExitCode=3:0 ",
                "JobId=6 UserId=slurm(64030) GroupId=slurm(64030) Name=r2 JobState=CANCELLED Partition=gpu ExitCode=0:15 ",
            ]);

            var found = await SlurmJobCompLog.FindByNameAsync(path, new HashSet<string> { "r1", "r3" }, CancellationToken.None);

            var r1 = Assert.Single(found).Value;
            Assert.Equal(new SlurmJobCompEntry(5, "r1", "FAILED", 3, 0), r1);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_spec_becomes_a_job_named_after_its_id_with_gres_per_node_and_DKube_fields()
    {
        var options = new SlurmOptions { BaseUrl = new Uri("http://x"), UserName = "u", Token = "t", OutputDirectory = "/jobs" };
        var spec = SlurmFixture.Spec("r/1", "python train.py", gpus: 2, workers: 1, backendOptions: new Dictionary<string, string>
        {
            [SlurmBackendOptions.Partition] = "gpu",
            [SlurmBackendOptions.Account] = "vision",
            [SlurmBackendOptions.Qos] = "high",
            [SlurmBackendOptions.Constraint] = "a100",
            ["kubernetes.nodeSelector"] = "ignored",
        });

        var job = SlurmJobRequestBuilder.Build(spec, options).Job;

        Assert.Equal("r/1", job.Name);
        Assert.Equal([2, 2], job.Nodes);
        Assert.Equal("gpu:2", job.Gres);
        Assert.Equal(("gpu", "vision", "high", "a100"), (job.Partition, job.Account, job.Qos, job.Constraints));
        Assert.Equal(10, job.TimeLimit);
        Assert.Equal("/jobs/r_1.out", job.StandardOutput);
        Assert.Equal("python train.py", job.Environment["DKUBE_COMMAND"]);
        Assert.Equal(("r/1", "alice", "vision"), (job.Environment["DKUBE_RUN_ID"], job.Environment["DKUBE_USER"], job.Environment["DKUBE_GROUP"]));
        Assert.False(job.Requeue);
    }

    [Fact]
    public void Cpus_and_memory_become_cpus_per_task_and_mem_and_a_shared_folder_becomes_the_working_folder()
    {
        var options = new SlurmOptions { BaseUrl = new Uri("http://x"), UserName = "u", Token = "t", OutputDirectory = "/jobs", SharedPath = "/shared" };
        var spec = SlurmFixture.Spec("r-2", "python train.py", gpus: 1) with
        {
            CpusPerWorker = 2.5,
            MemoryGiBPerWorker = 6,
            Mounts = [new DKube.Executors.VolumeMount("/shared/r-2/inputs/data", "data", ReadOnly: true)],
        };

        var job = SlurmJobRequestBuilder.Build(spec, options).Job;

        Assert.Equal(3, job.CpusPerTask);
        Assert.Equal(6 * 1024, job.MemoryPerNode);
        Assert.Equal("/shared/r-2/work", job.CurrentWorkingDirectory);
        Assert.Equal("/shared/r-2/work/metrics.jsonl", job.Environment["DKUBE_METRICS_FILE"]);
        Assert.Equal("/jobs/r-2.out", job.StandardOutput);
    }

    [Theory]
    [InlineData(null, "/shared/r-3/inputs/data", "declares no sharedPath")]
    [InlineData("/shared", "/elsewhere/data", "not under the cluster's shared folder")]
    public void Mounts_the_nodes_could_not_see_are_refused(string? sharedPath, string source, string words)
    {
        var options = new SlurmOptions { BaseUrl = new Uri("http://x"), UserName = "u", Token = "t", OutputDirectory = "/jobs", SharedPath = sharedPath };
        var spec = SlurmFixture.Spec("r-3", "true", gpus: 0) with { Mounts = [new DKube.Executors.VolumeMount(source, "data", ReadOnly: true)] };

        var error = Assert.Throws<ArgumentException>(() => SlurmJobRequestBuilder.Build(spec, options));

        Assert.Contains(words, error.Message, StringComparison.Ordinal);
    }
}

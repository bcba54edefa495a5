using System.Net;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Slurm;

/// <summary>Runs submitted over HTTP to a group on the Slurm cluster run as real Slurm jobs.</summary>
[Collection(SlurmCollection.Name)]
public sealed class SlurmRunTests(SlurmLabFixture lab)
{
    [Fact]
    public async Task A_run_with_slurm_fields_completes_as_a_slurm_job_and_its_log_is_served()
    {
        using var tenant = await lab.NewTenantAsync();
        var slurm = new { partition = lab.Slurm.Partition ?? "gpu", timeLimitMinutes = 5, sbatch = new { nice = 10, requeue = false } };
        var id = (await tenant.Submit("hello", 1, "echo hello-from-slurm; echo to-stderr >&2", new { slurm })).Expect(HttpStatusCode.Created)["id"];

        await tenant.WaitForStatus(id, "Complete");

        var log = (await tenant.Client.Get($"runs/{id}/logs")).Expect(HttpStatusCode.OK).Text;
        Assert.Contains("hello-from-slurm", log, StringComparison.Ordinal);
        Assert.Contains("to-stderr", log, StringComparison.Ordinal);
        Assert.Equal(SlurmLabFixture.Cluster, (await tenant.Client.Get($"runs/{id}")).Json["allocation"]!["cluster"]!.ToString());
        await GpusGivenBack(tenant);
    }

    [Fact]
    public async Task Exit_3_in_slurm_fails_the_run_with_exit_code_3()
    {
        using var tenant = await lab.NewTenantAsync();
        var id = (await tenant.Submit("exit3", 1, "echo failing; exit 3")).Expect(HttpStatusCode.Created)["id"];

        await tenant.WaitForStatus(id, "Failed");

        Assert.Equal("3", (await tenant.Client.Get($"runs/{id}"))["exitCode"]);
        await GpusGivenBack(tenant);
    }

    [Fact]
    public async Task Stop_cancels_the_slurm_job_and_the_run_ends_Stopped()
    {
        using var tenant = await lab.NewTenantAsync();
        var id = (await tenant.Submit("long", 1, "echo ready; sleep 600")).Expect(HttpStatusCode.Created)["id"];
        await tenant.WaitForStatus(id, "Running");
        await Eventually.Until(() => tenant.Client.Get($"runs/{id}/logs"), r => r.Text.Contains("ready", StringComparison.Ordinal));

        (await tenant.Client.Post($"runs/{id}/stop")).Expect(HttpStatusCode.OK);

        await tenant.WaitForStatus(id, "Stopped");
        await GpusGivenBack(tenant);
    }

    [Theory]
    [InlineData("partition", "Invalid partition")]
    [InlineData("constraint", "Invalid feature")]
    public async Task A_run_slurm_refuses_is_accepted_then_ends_in_Error_with_slurms_reason_never_a_500(string field, string slurmWords)
    {
        using var tenant = await lab.NewTenantAsync();
        object slurm = field == "partition" ? new { partition = "nosuchpartition" } : new { sbatch = new { constraint = "nosuchfeature" } };

        // DKube cannot know Slurm's partitions and features: it admits, and Slurm refuses the submission.
        var id = (await tenant.Submit("refused", 1, "true", new { slurm })).Expect(HttpStatusCode.Created)["id"];
        await tenant.WaitForStatus(id, "Error");

        var reason = (await tenant.Client.Get($"runs/{id}"))["reason"];
        Assert.StartsWith("Slurm refused the job submission", reason, StringComparison.Ordinal);
        Assert.Contains(slurmWords, reason, StringComparison.Ordinal);
        await GpusGivenBack(tenant);
    }

    private static Task GpusGivenBack(Tenant tenant) =>
        Eventually.Until(() => tenant.Client.Get($"groups/{tenant.Group}/pool"), p => p.Json["used"]!.GetValue<int>() == 0, what: "pool back to 0 used");
}

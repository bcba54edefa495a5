using System.Net;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Slurm;

/// <summary>
/// DKube counts only its own work: jobs submitted to Slurm directly take GPUs it cannot see, so a
/// run it admits can still wait in Slurm's own queue. The run must say so, and why.
/// </summary>
[Collection(SlurmCollection.Name)]
public sealed class SlurmRemoteQueueTests(SlurmLabFixture lab)
{
    [Fact]
    public async Task A_run_pending_in_slurm_shows_Starting_with_slurms_reason_and_runs_once_the_outside_jobs_are_cancelled()
    {
        var outside = $"{lab.RunPrefix}-outside";
        try
        {
            // Two sbatch jobs outside DKube hold all 8 GPUs.
            await lab.Slurm.SbatchAsync(outside, "gpu:4", "sleep 600");
            await lab.Slurm.SbatchAsync(outside, "gpu:4", "sleep 600");
            await Eventually.Until(() => lab.Slurm.StatesAsync(outside), s => s.Count == 2 && s.All(x => x == "RUNNING"), what: "outside jobs running");

            using var tenant = await lab.NewTenantAsync();
            var id = (await tenant.Submit("behind", 1, "echo finally-ran")).Expect(HttpStatusCode.Created)["id"];

            // Slurm first says "None" until its scheduler has looked at the job, then "Resources".
            // Admitted by DKube (Starting) but pending in Slurm; any other status ends the wait and fails below.
            var waiting = await Eventually.Until(() => tenant.Client.Get($"runs/{id}"),
                r => r.Json["reason"]?.ToString().Contains("Resources", StringComparison.Ordinal) == true || r.Json["status"]!.ToString() != "Starting",
                what: "Slurm's reason shown");
            Assert.Equal("Starting", waiting["status"]);
            Assert.Contains("Resources", waiting["reason"], StringComparison.Ordinal);

            await lab.Slurm.ScancelAsync(outside);
            await tenant.WaitForStatus(id, "Complete");
            Assert.Contains("finally-ran", (await tenant.Client.Get($"runs/{id}/logs")).Text, StringComparison.Ordinal);
        }
        finally
        {
            await lab.Slurm.ScancelAsync(outside);
        }
    }
}

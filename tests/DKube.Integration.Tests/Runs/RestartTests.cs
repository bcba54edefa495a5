using System.Net;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Runs;

/// <summary>Nothing acknowledged is lost across a restart of the server on the same data folder and database.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task Queue_survives_a_restart_and_a_run_that_died_meanwhile_fails_and_frees_its_gpus()
    {
        var dataDir = ServerHandle.NewDataDir();
        var database = await SharedPostgres.NewDatabaseAsync();
        try
        {
            string token, died, survivor, waiting;
            await using (var first = await ServerHandle.StartAsync(database, dataDir))
            {
                using var op = new ApiClient(first.Url, ServerHandle.OperatorToken);
                (await op.Post("clusters", new { name = "box", kind = "local", nodes = new[] { new { name = "n1", gpus = 4 } } })).Expect(HttpStatusCode.Created);
                (await op.Post("groups", new { name = "team", gpus = 4, clusters = new[] { "box" } })).Expect(HttpStatusCode.Created);
                token = (await op.Post("users", new { name = "ada" })).Expect(HttpStatusCode.Created)["token"];
                (await op.Put("groups/team/members/ada")).Expect(HttpStatusCode.OK);
                using var tenant = new Tenant("team", "ada", op.As(token));
                died = (await tenant.Submit("dies", 2, "sleep 600")).Expect(HttpStatusCode.Created)["id"];
                survivor = (await tenant.Submit("survives", 2, "trap 'exit 0' TERM; sleep 600 & wait")).Expect(HttpStatusCode.Created)["id"];
                waiting = (await tenant.Submit("waits", 2, "echo finally")).Expect(HttpStatusCode.Created)["id"];
                await tenant.WaitForStatus(died, "Running");
                await tenant.WaitForStatus(survivor, "Running");
                Assert.Equal("WaitingForGpus", await tenant.StatusOf(waiting));
            }

            // While the server is down, one run's process dies; the other keeps running.
            RunProcesses.Kill(RunProcesses.PidOf(dataDir, died + "-1") ?? throw new InvalidOperationException("no pid file"));

            await using var second = await ServerHandle.StartAsync(database, dataDir);
            using var again = new Tenant("team", "ada", new ApiClient(second.Url, token));
            var failed = await Eventually.Until(() => again.Client.Get($"runs/{died}"), r => r["status"] == "Failed");
            Assert.Contains("server was down", failed["reason"], StringComparison.Ordinal);
            await again.WaitForStatus(waiting, "Complete");
            Assert.Contains("finally", (await again.Client.Get($"runs/{waiting}/logs")).Text, StringComparison.Ordinal);

            // The survivor was adopted: still Running, and stoppable through the new server.
            Assert.Equal("Running", await again.StatusOf(survivor));
            (await again.Client.Post($"runs/{survivor}/stop")).Expect(HttpStatusCode.OK);
            await again.WaitForStatus(survivor, "Stopped");
            await Eventually.Until(() => again.Client.Get("groups/team/pool"), p => p.Json["used"]!.GetValue<int>() == 0, what: "every GPU released");
        }
        finally
        {
            RunProcesses.KillAll(dataDir);
            SharedPostgres.TryDelete(dataDir);
        }
    }
}

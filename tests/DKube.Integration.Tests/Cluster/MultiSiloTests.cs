using System.Diagnostics;
using System.Net;
using DKube.Integration.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace DKube.Integration.Tests.Cluster;

/// <summary>Several processes, one database: two silos and an API-only front, then one silo is killed.</summary>
public sealed class MultiSiloTests(ITestOutputHelper output)
{
    /// <summary>How long the test waits for recovery before it gives up; the measured time is printed.</summary>
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Api_answers_every_user_again_after_a_silo_is_killed()
    {
        await using var cluster = new ProcessCluster(await SharedPostgres.NewDatabaseAsync());
        var silo1 = cluster.Start("silo");
        var silo2 = cluster.Start("silo");
        await Task.WhenAll(silo1.WaitHealthyAsync(TimeSpan.FromSeconds(90)), silo2.WaitHealthyAsync(TimeSpan.FromSeconds(90)));
        var api = cluster.Start("api");
        await api.WaitHealthyAsync(TimeSpan.FromSeconds(90));

        using var op = new ApiClient(api.Url, ServerHandle.OperatorToken);
        var ready = await Eventually.Until(() => op.Get("/readyz"), r => r.Status == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "readiness");
        Assert.Equal("2", ready["silos"]);
        Assert.Equal(2, await ActiveSilosAsync(cluster));

        // Spread state over both silos before the kill.
        (await op.Post("groups", new { name = "team", gpus = 4 })).Expect(HttpStatusCode.Created);
        var users = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            var name = $"user-{i}";
            (await op.Post("users", new { name })).Expect(HttpStatusCode.Created);
            (await op.Put($"groups/team/members/{name}")).Expect(HttpStatusCode.OK);
            users.Add(name);
        }

        silo1.KillHard();
        var clock = Stopwatch.StartNew();
        var roundsWithFailures = 0;
        await Eventually.Until(async () =>
        {
            var answered = 0;
            foreach (var user in users)
            {
                try
                {
                    var reply = await op.Get($"users/{user}");
                    Assert.True((int)reply.Status is 200 or 503, $"Unexpected answer while recovering: {reply}");
                    answered += reply.Status == HttpStatusCode.OK ? 1 : 0;
                }
                catch (HttpRequestException)
                {
                    // The survivor may refuse connections for a moment; that round counts as failed.
                }
            }

            roundsWithFailures += answered == users.Count ? 0 : 1;
            return answered;
        }, answered => answered == users.Count, RecoveryBound, $"answers for all {users.Count} users");
        output.WriteLine($"API answered every user again {clock.Elapsed.TotalSeconds:F1} s after SIGKILL of a silo ({roundsWithFailures} rounds with failures).");

        // The survivor serves everything acknowledged before the kill, and new writes.
        Assert.Equal(users, (await op.Get("groups/team")).Expect(HttpStatusCode.OK).Json["members"]!.AsArray().Select(m => m!.ToString()));
        (await op.Post("users", new { name = "after-kill" })).Expect(HttpStatusCode.Created);
        await Eventually.Until(() => ActiveSilosAsync(cluster), active => active == 1, TimeSpan.FromSeconds(60), "one active silo");
    }

    private static async Task<long> ActiveSilosAsync(ProcessCluster cluster)
    {
        await using var connection = new NpgsqlConnection(cluster.Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = @c AND status = 3", connection);
        command.Parameters.AddWithValue("c", cluster.ClusterId);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

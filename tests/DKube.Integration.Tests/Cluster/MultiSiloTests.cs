using System.Diagnostics;
using System.Net;
using DKube.Integration.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace DKube.Integration.Tests.Cluster;

/// <summary>Several processes, one database: two silos and an API-only front, then one silo is killed.</summary>
public sealed class MultiSiloTests(ITestOutputHelper output)
{
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Api_keeps_answering_after_a_silo_is_killed()
    {
        var database = await SharedPostgres.NewDatabaseAsync();
        var clusterId = $"c{Guid.NewGuid():N}";
        Dictionary<string, string> Settings() => new()
        {
            ["POSTGRES"] = database,
            ["CLUSTER_ID"] = clusterId,
            ["OPERATOR_TOKEN"] = ServerHandle.OperatorToken,
            ["SILO_PORT"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["GATEWAY_PORT"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DATA_DIR"] = ServerHandle.NewDataDir(),
        };

        await using var silo1 = ServerProcess.Start("silo", Settings());
        await using var silo2 = ServerProcess.Start("silo", Settings());
        await Task.WhenAll(silo1.WaitHealthyAsync(TimeSpan.FromSeconds(90)), silo2.WaitHealthyAsync(TimeSpan.FromSeconds(90)));
        await using var api = ServerProcess.Start("api", Settings());
        await api.WaitHealthyAsync(TimeSpan.FromSeconds(90));

        using var op = new ApiClient(api.Url, ServerHandle.OperatorToken);
        await WaitUntilAsync(async () => (await op.Get("/readyz")).Status == HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        Assert.Equal(2, await ActiveSilosAsync(database, clusterId));
        Assert.Equal("2", (await op.Get("/readyz"))["silos"]);

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
        var failures = 0;
        TimeSpan? recovered = null;
        while (clock.Elapsed < RecoveryBound)
        {
            var allOk = true;
            foreach (var user in users)
            {
                try
                {
                    var reply = await op.Get($"users/{user}");
                    allOk &= reply.Status == HttpStatusCode.OK;
                    Assert.True((int)reply.Status is 200 or 503, $"Unexpected answer while recovering: {reply}");
                }
                catch (HttpRequestException)
                {
                    allOk = false;
                }
            }

            if (allOk)
            {
                recovered = clock.Elapsed;
                break;
            }

            failures++;
            await Task.Delay(250);
        }

        output.WriteLine($"API answered every user again {recovered?.TotalSeconds:F1} s after SIGKILL of a silo ({failures} rounds with failures).");
        Assert.NotNull(recovered);

        // The survivor serves everything acknowledged before the kill, and new writes.
        Assert.Equal(users, (await op.Get("groups/team")).Expect(HttpStatusCode.OK).Json["members"]!.AsArray().Select(m => m!.ToString()));
        (await op.Post("users", new { name = "after-kill" })).Expect(HttpStatusCode.Created);
        await WaitUntilAsync(async () => await ActiveSilosAsync(database, clusterId) == 1, TimeSpan.FromSeconds(60));
    }

    private static async Task<long> ActiveSilosAsync(string database, string clusterId)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = @c AND status = 3", connection);
        command.Parameters.AddWithValue("c", clusterId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Condition not met within {timeout}.");
            await Task.Delay(250);
        }
    }
}

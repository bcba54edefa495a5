using System.Net;
using DKube.Integration.Tests.Infrastructure;
using Npgsql;

namespace DKube.Integration.Tests.Faults;

/// <summary>
/// A submission whose pool could not store it is answered 503, yet the run was already stored as
/// Queued. No retry inside the call can rescue it (the database refuses); the reconciler's sweep
/// does, once the database takes writes again.
/// </summary>
public sealed class ReconcilerTests
{
    /// <summary>Makes PostgreSQL refuse every write of a group pool's grain state (real fault injection, in the database itself).</summary>
    private const string RefusePoolWrites = """
        CREATE FUNCTION test_refuse_write() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'injected fault: pool state is not writable'; END $$;
        CREATE TRIGGER test_refuse_pool_writes BEFORE INSERT OR UPDATE ON orleansstorage
        FOR EACH ROW WHEN (NEW.graintypestring ILIKE '%pool%') EXECUTE FUNCTION test_refuse_write();
        """;

    [Fact]
    public async Task A_run_stored_while_its_pool_could_not_take_it_is_answered_503_and_started_by_the_reconciler()
    {
        var dataDir = ServerHandle.NewDataDir();
        var database = await SharedPostgres.NewDatabaseAsync();
        try
        {
            await using var server = await ServerHandle.StartAsync(database, dataDir, "--RECONCILE_SECONDS=2");
            using var op = new ApiClient(server.Url, ServerHandle.OperatorToken);
            (await op.Post("clusters", new { name = "box", kind = "local", nodes = new[] { new { name = "n1", gpus = 2 } } })).Expect(HttpStatusCode.Created);
            (await op.Post("groups", new { name = "team", gpus = 2, clusters = new[] { "box" } })).Expect(HttpStatusCode.Created);
            var token = (await op.Post("users", new { name = "ada" })).Expect(HttpStatusCode.Created)["token"];
            (await op.Put("groups/team/members/ada")).Expect(HttpStatusCode.OK);
            using var tenant = new Tenant("team", "ada", op.As(token));
            var first = (await tenant.Submit("first", 1, "true")).Expect(HttpStatusCode.Created)["id"];
            await tenant.WaitForStatus(first, "Complete");

            await ExecuteAsync(database, RefusePoolWrites);
            (await tenant.Submit("stranded", 1, "echo rescued")).ExpectProblem(HttpStatusCode.ServiceUnavailable);

            // The run was stored before its pool refused: listed, Queued, and nobody's queue holds it.
            var stranded = (await tenant.Client.Get("runs?scope=mine")).Expect(HttpStatusCode.OK).Items
                .Single(r => r!["name"]!.GetValue<string>() == "stranded")!["id"]!.GetValue<string>();
            Assert.Equal("Queued", await tenant.StatusOf(stranded));
            // Sweeps while the database still refuses fail and change nothing.
            await Task.Delay(TimeSpan.FromSeconds(5));
            Assert.Equal("Queued", await tenant.StatusOf(stranded));

            await ExecuteAsync(database, "DROP TRIGGER test_refuse_pool_writes ON orleansstorage;");
            await tenant.WaitForStatus(stranded, "Complete");
            Assert.Contains("rescued", (await tenant.Client.Get($"runs/{stranded}/logs")).Text, StringComparison.Ordinal);
            await Eventually.Until(() => tenant.Client.Get("groups/team/pool"), p => p.Json["used"]!.GetValue<int>() == 0, what: "GPUs released");
        }
        finally
        {
            RunProcesses.KillAll(dataDir);
            SharedPostgres.TryDelete(dataDir);
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

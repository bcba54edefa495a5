using System.Net;
using DKube.Integration.Tests.Infrastructure;
using Npgsql;

namespace DKube.Integration.Tests.Faults;

/// <summary>
/// A submission whose pool could not store it is answered 503, yet the run was already stored as
/// Queued. No retry inside the call can rescue it (the database refuses); once the database takes
/// writes again, the reconciler's sweep does, or the client's retry with the same Idempotency-Key.
/// </summary>
public sealed class ReconcilerTests
{
    /// <summary>Makes PostgreSQL refuse every write of a group pool's grain state (fault injection in the database itself).</summary>
    private const string RefusePoolWrites = """
        CREATE FUNCTION test_refuse_write() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'injected fault: pool state is not writable'; END $$;
        CREATE TRIGGER test_refuse_pool_writes BEFORE INSERT OR UPDATE ON dkube_grain_state
        FOR EACH ROW WHEN (NEW.state_name = 'pool') EXECUTE FUNCTION test_refuse_write();
        """;

    private const string AcceptPoolWrites = "DROP TRIGGER test_refuse_pool_writes ON dkube_grain_state; DROP FUNCTION test_refuse_write();";

    [Fact]
    public async Task A_run_stored_while_its_pool_could_not_take_it_is_answered_503_and_started_by_the_reconciler()
    {
        await WithTenantAsync(["--RECONCILE_SECONDS=2"], async (database, tenant) =>
        {
            await ExecuteAsync(database, RefusePoolWrites);
            (await tenant.Submit("stranded", 1, "echo rescued")).ExpectProblem(HttpStatusCode.ServiceUnavailable);

            // The run was stored before its pool refused: listed, Queued, and nobody's queue holds it.
            var stranded = Single(await tenant.Client.Get("runs?scope=mine"), "stranded");
            Assert.Equal("Queued", await tenant.StatusOf(stranded));
            // Sweeps while the database still refuses fail and change nothing.
            await Task.Delay(TimeSpan.FromSeconds(5));
            Assert.Equal("Queued", await tenant.StatusOf(stranded));

            await ExecuteAsync(database, AcceptPoolWrites);
            await tenant.WaitForStatus(stranded, "Complete");
            Assert.Contains("rescued", (await tenant.Client.Get($"runs/{stranded}/logs")).Text, StringComparison.Ordinal);
            await Eventually.Until(() => tenant.Client.Get("groups/team/pool"), p => p.Json["used"]!.GetValue<int>() == 0, what: "GPUs released");
        });
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_reaches_the_run_its_first_attempt_stored()
    {
        // The default sweep (a minute) is too slow to be what starts the run here: the retry does.
        await WithTenantAsync([], async (database, tenant) =>
        {
            var body = new { name = "keyed", kind = "training", command = "echo once", gpus = 1 };
            var key = new Dictionary<string, string> { ["Idempotency-Key"] = "submit-keyed-7f3a" };
            await ExecuteAsync(database, RefusePoolWrites);
            (await tenant.Client.Send(HttpMethod.Post, "runs", body, key)).ExpectProblem(HttpStatusCode.ServiceUnavailable);
            var stored = Single(await tenant.Client.Get("runs?scope=mine"), "keyed");

            await ExecuteAsync(database, AcceptPoolWrites);
            var retried = (await tenant.Client.Send(HttpMethod.Post, "runs", body, key)).Expect(HttpStatusCode.Created);
            Assert.Equal(stored, retried["id"]);
            await tenant.WaitForStatus(stored, "Complete");
            // One run, however often the client retried.
            (await tenant.Client.Send(HttpMethod.Post, "runs", body, key)).Expect(HttpStatusCode.Created);
            Single(await tenant.Client.Get("runs?scope=mine"), "keyed");

            // The key stands for that request: another body under it is a conflict, a bad key is a 400.
            (await tenant.Client.Send(HttpMethod.Post, "runs", body with { command = "echo twice" }, key)).ExpectProblem(HttpStatusCode.Conflict);
            (await tenant.Client.Send(HttpMethod.Post, "runs", body, new Dictionary<string, string> { ["Idempotency-Key"] = new string('k', 256) }))
                .ExpectProblem(HttpStatusCode.BadRequest);
            Single(await tenant.Client.Get("runs?scope=mine"), "keyed");
        });
    }

    /// <summary>A server on a database of its own, a 2-GPU local cluster and group, and a member whose first run completed (so the pool's state exists).</summary>
    private static async Task WithTenantAsync(string[] serverArgs, Func<string, Tenant, Task> body)
    {
        var dataDir = ServerHandle.NewDataDir();
        var database = await SharedPostgres.NewDatabaseAsync();
        try
        {
            await using var server = await ServerHandle.StartAsync(database, dataDir, serverArgs);
            using var op = new ApiClient(server.Url, ServerHandle.OperatorToken);
            (await op.Post("clusters", new { name = "box", kind = "local", nodes = new[] { new { name = "n1", gpus = 2 } } })).Expect(HttpStatusCode.Created);
            (await op.Post("groups", new { name = "team", gpus = 2, clusters = new[] { "box" } })).Expect(HttpStatusCode.Created);
            var token = (await op.Post("users", new { name = "ada" })).Expect(HttpStatusCode.Created)["token"];
            (await op.Put("groups/team/members/ada")).Expect(HttpStatusCode.OK);
            using var tenant = new Tenant("team", "ada", op.As(token));
            var first = (await tenant.Submit("first", 1, "true")).Expect(HttpStatusCode.Created)["id"];
            await tenant.WaitForStatus(first, "Complete");
            await body(database, tenant);
        }
        finally
        {
            RunProcesses.KillAll(dataDir);
            SharedPostgres.TryDelete(dataDir);
        }
    }

    private static string Single(Reply list, string name) =>
        list.Expect(HttpStatusCode.OK).Items.Single(r => r!["name"]!.GetValue<string>() == name)!["id"]!.GetValue<string>();

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

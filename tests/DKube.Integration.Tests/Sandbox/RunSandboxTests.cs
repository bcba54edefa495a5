using System.Net;
using DKube.Integration.Tests.Infrastructure;
using DKube.Integration.Tests.Repos;

namespace DKube.Integration.Tests.Sandbox;

/// <summary>
/// Untrusted code stays in its box: a local run, started by a root server, tries to read the
/// server's secrets, its database and another user's run, and to log in to its PostgreSQL on every
/// loopback port that listens. Each attempt is printed as blocked or ESCAPED in the run's log.
/// </summary>
public sealed class RunSandboxTests(SandboxFixture box) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task A_run_can_read_no_server_secret_no_database_file_no_other_users_run_and_cannot_log_in_to_postgres()
    {
        Assert.True(Environment.IsPrivilegedProcess, "the escape tests need a root server, as CI runs");
        using var alice = await box.NewTenantAsync();
        using var carol = await box.NewTenantAsync(alice.Group);
        var victim = (await carol.Submit("victim", 0, "echo carols-data > mine.txt; sleep 600")).Expect(HttpStatusCode.Created)["id"];
        await carol.WaitForStatus(victim, "Running");
        var other = box.WorkFolderOf(victim);
        await Eventually.FileAsync(Path.Combine(other, "mine.txt"));

        // The database answers on that port to whoever has the password: the probes below are real.
        Assert.Equal(0, Psql(box.PostgresPort, box.PostgresPassword).ExitCode);
        Assert.NotEqual(0, Psql(box.PostgresPort, null).ExitCode);

        var d = box.DataDir;
        var pg = box.PostgresFolder;
        var command = string.Join('\n',
            "probe() { if sh -c \"$2\" >/dev/null 2>&1; then echo \"ESCAPED:$1\"; else echo \"blocked:$1\"; fi; }",
            $"probe secrets-key \"cat '{d}/secrets.key'\"",
            $"probe operator-token \"cat '{d}/operator-token'\"",
            $"probe database-files \"ls '{pg}/data'\"",
            $"probe database-version \"cat '{pg}/data/PG_VERSION'\"",
            $"probe database-password \"cat '{pg}/password'\"",
            $"probe data-folder-listing \"ls '{d}'\"",
            $"probe blobs \"ls '{d}/blobs'\"",
            $"probe other-run-file \"cat '{other}/mine.txt'\"",
            $"probe other-run-log \"cat '{other}/output.log'\"",
            $"probe other-run-listing \"ls '{other}'\"",
            $"probe other-run-write \"echo x > '{other}/planted'\"",
            $"probe socket \"psql -w -h '{pg}' -p {box.PostgresPort} -U dkube -d postgres -c 'select 1'\"",
            "for hex in $(awk 'NR>1 && $4==\"0A\" {split($2,a,\":\"); print a[2]}' /proc/net/tcp | sort -u); do",
            "  port=$(printf '%d' 0x$hex)",
            "  for user in dkube postgres; do probe psql-$port-$user \"PGCONNECT_TIMEOUT=3 psql -w -h 127.0.0.1 -p $port -U $user -d postgres -c 'select 1'\"; done",
            "done",
            "echo uid=$(id -u)",
            "env | sed 's/^/ENV:/'",
            "echo probes-done");
        var id = (await alice.Submit("escape", 0, command)).Expect(HttpStatusCode.Created)["id"];
        // It tries every listening port of this shared machine, each up to a few seconds: give it time.
        var done = await Eventually.Until(() => alice.Client.Get($"runs/{id}"), r => r["status"] is "Complete" or "Failed" or "Error", TimeSpan.FromMinutes(10), $"{id} ended");
        Assert.Equal("Complete", done["status"]);
        var log = (await alice.Client.Get($"runs/{id}/logs")).Expect(HttpStatusCode.OK).Text;

        Assert.Contains("probes-done", log, StringComparison.Ordinal);
        // Only PostgreSQL servers that are not this server's (other test runs on a shared machine, started
        // without passwords) may have let it in; nothing of this server's.
        var escaped = log.Split('\n').Where(l => l.StartsWith("ESCAPED:", StringComparison.Ordinal)).ToList();
        Assert.True(escaped.All(l => l.StartsWith("ESCAPED:psql-", StringComparison.Ordinal) && !l.StartsWith($"ESCAPED:psql-{box.PostgresPort}-", StringComparison.Ordinal)), log);
        foreach (var probe in new[] { "secrets-key", "operator-token", "database-files", "database-password", "other-run-file", "other-run-log", "socket", $"psql-{box.PostgresPort}-dkube" })
        {
            Assert.Contains($"blocked:{probe}", log, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("uid=0", log, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(other, "planted")));
        (await carol.Client.Post($"runs/{victim}/stop")).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_runs_environment_holds_no_server_secret()
    {
        using var alice = await box.NewTenantAsync();
        var id = (await alice.Submit("env", 0, "env")).Expect(HttpStatusCode.Created)["id"];
        await alice.WaitForStatus(id, "Complete");
        var log = (await alice.Client.Get($"runs/{id}/logs")).Expect(HttpStatusCode.OK).Text;

        Assert.Contains($"DKUBE_USER={alice.User}", log, StringComparison.Ordinal);
        var secrets = new[]
        {
            box.Sentinel, box.PostgresPassword, box.Server.OperatorToken,
            (await File.ReadAllTextAsync(Path.Combine(box.DataDir, "secrets.key"))).Trim(),
        };
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
        }

        foreach (var name in new[] { SandboxFixture.SentinelVariable, SandboxFixture.AspNetSentinelVariable, "DKUBE_POSTGRES", "DKUBE_SECRETS_KEY", "DKUBE_OPERATOR_TOKEN", "ASPNETCORE_" })
        {
            Assert.DoesNotContain(name, log, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Inputs_reach_a_run_through_their_links_and_its_output_becomes_a_version_of_the_servers()
    {
        using var alice = await box.NewTenantAsync();
        var dataset = (await alice.Client.Post("datasets", new { name = "rows" })).Expect(HttpStatusCode.Created)["id"];
        (await alice.Client.Upload($"datasets/{dataset}/versions", Archives.Tar(("rows.csv", "a,b\n1,2\n")))).Expect(HttpStatusCode.Created);
        var model = (await alice.Client.Post("models", new { name = "m" })).Expect(HttpStatusCode.Created)["id"];

        var id = (await alice.Submit("train", 0, "test -L in && cat in/rows.csv > \"$DKUBE_OUTPUT_DIR/copy.csv\" && id -u > \"$DKUBE_OUTPUT_DIR/uid\"", new
        {
            inputs = new { datasets = new[] { new { name = "rows", mountPath = "in" } } },
            output = new { model = "m" },
        })).Expect(HttpStatusCode.Created)["id"];
        var done = await Eventually.Until(() => alice.Client.Get($"runs/{id}"), r => r["status"] is "Complete" or "Failed" or "Error");
        Assert.True(done["status"] == "Complete", done.Text + (await alice.Client.Get($"runs/{id}/logs")).Text);

        var files = await alice.Client.DownloadFiles($"models/{model}/versions/1/archive");
        Assert.Equal("a,b\n1,2\n", files["copy.csv"]);
        Assert.NotEqual("0", files["uid"].Trim());
    }

    private static (int ExitCode, string Output) Psql(int port, string? password) =>
        Tool.Run("psql", new Dictionary<string, string?> { ["PGPASSWORD"] = password },
            "-w", "-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "dkube", "-d", "postgres", "-c", "select 1");
}

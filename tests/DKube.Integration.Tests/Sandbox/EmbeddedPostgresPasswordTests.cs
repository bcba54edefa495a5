using DKube.Integration.Tests.Infrastructure;
using DKube.Storage.Postgres;
using Npgsql;

namespace DKube.Integration.Tests.Sandbox;

/// <summary>The embedded PostgreSQL lets in only who has its password, also a folder made when loopback was trusted.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class EmbeddedPostgresPasswordTests : IDisposable
{
    private readonly string _parent = Directory.CreateTempSubdirectory("dkube-pgpw-").FullName;

    public EmbeddedPostgresPasswordTests() =>
        File.SetUnixFileMode(_parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute);

    private string Root => Path.Combine(_parent, "postgres");

    public void Dispose() => SharedPostgres.TryDelete(_parent);

    [Fact]
    public async Task A_new_instance_refuses_every_connection_without_its_password()
    {
        await using var pg = await EmbeddedPostgres.StartAsync(Root);

        Assert.NotEqual(0, Run("psql", "-w", "-h", "127.0.0.1", "-p", $"{pg.Port}", "-U", "dkube", "-d", "postgres", "-c", "select 1").ExitCode);
        Assert.NotEqual(0, Run("runuser", "-u", "postgres", "--", "psql", "-w", "-h", Root, "-p", $"{pg.Port}", "-U", "dkube", "-d", "postgres", "-c", "select 1").ExitCode);
        Assert.Equal(1, await ScalarAsync(pg.ConnectionStringFor("dkube"), "select 1"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Root, "password")));
        Assert.DoesNotContain("trust", await File.ReadAllTextAsync(Path.Combine(Root, "data", "pg_hba.conf")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_made_when_loopback_was_trusted_gets_a_password_on_its_next_start_and_keeps_its_data()
    {
        // The layout and start of the embedded database before passwords: initdb -A trust as postgres.
        var binaries = PostgresBinaries.Find()!;
        var data = Path.Combine(Root, "data");
        Directory.CreateDirectory(data);
        Assert.Equal(0, Run("chown", "-R", "postgres:", Root).ExitCode);
        Assert.Equal(0, Run("runuser", "-u", "postgres", "--", binaries.InitDb, "-D", data, "-A", "trust", "-U", "dkube", "-E", "UTF8", "--no-sync").ExitCode);
        var port = FreePorts.Next();
        Assert.Equal(0, Run("runuser", "-u", "postgres", "--", binaries.PgCtl, "-D", data, "start", "-w", "-l", Path.Combine(Root, "postgres.log"), "-o", $"-p {port} -k {Root} -c listen_addresses=127.0.0.1").ExitCode);
        Assert.Equal(0, Run("psql", "-w", "-h", "127.0.0.1", "-p", $"{port}", "-U", "dkube", "-d", "postgres", "-c", "create table kept (v int); insert into kept values (42)").ExitCode);
        Assert.Equal(0, Run("runuser", "-u", "postgres", "--", binaries.PgCtl, "-D", data, "stop", "-m", "fast", "-w").ExitCode);

        await using var pg = await EmbeddedPostgres.StartAsync(Root);

        Assert.Equal(42, await ScalarAsync(pg.ConnectionString, "select v from kept"));
        Assert.NotEqual(0, Run("psql", "-w", "-h", "127.0.0.1", "-p", $"{pg.Port}", "-U", "dkube", "-d", "postgres", "-c", "select 1").ExitCode);
    }

    private static async Task<int> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static (int ExitCode, string Output) Run(string program, params string[] args) => Tool.Run(program, args);
}

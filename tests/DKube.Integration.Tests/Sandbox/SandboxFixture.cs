using System.Net;
using DKube.Integration.Tests.Infrastructure;
using DKube.Server;

namespace DKube.Integration.Tests.Sandbox;

/// <summary>
/// A server as a fresh install runs it: its own embedded PostgreSQL in the data folder, an operator
/// token it made and keeps there, as root (as CI runs), with a local cluster. A sentinel secret sits
/// in the process environment where a server's secrets would be.
/// </summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    public const string Cluster = "box";
    public const string SentinelVariable = "DKUBE_SANDBOX_SENTINEL_SECRET";
    public const string AspNetSentinelVariable = "ASPNETCORE_SANDBOX_SENTINEL_SECRET";

    private DKubeServer? _server;
    private int _names;

    public DKubeServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public string DataDir { get; } = ServerHandle.NewDataDir();

    public string Sentinel { get; } = "sentinel-" + Guid.NewGuid().ToString("N");

    public ApiClient Operator => new(Server.Url, Server.OperatorToken);

    public string PostgresFolder => Path.Combine(DataDir, "postgres");

    /// <summary>The embedded database's port, from its pid file (line 4).</summary>
    public int PostgresPort => int.Parse(File.ReadAllLines(Path.Combine(PostgresFolder, "data", "postmaster.pid"))[3], System.Globalization.CultureInfo.InvariantCulture);

    public string PostgresPassword => File.ReadAllText(Path.Combine(PostgresFolder, "password")).Trim();

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable(SentinelVariable, Sentinel);
        Environment.SetEnvironmentVariable(AspNetSentinelVariable, Sentinel);
        _server = await DKubeServer.StartAsync(
        [
            "--urls=http://127.0.0.1:0",
            $"--DATA_DIR={DataDir}",
            $"--SILO_PORT={FreePorts.Next()}",
            $"--GATEWAY_PORT={FreePorts.Next()}",
            $"--CLUSTER_ID=c{Guid.NewGuid():N}",
            "--Logging:LogLevel:Default=Warning",
        ], TextWriter.Null);
        using var op = Operator;
        (await op.Post("clusters", new { name = Cluster, kind = "local", nodes = new[] { new { name = "n1", gpus = 8 } } })).Expect(HttpStatusCode.Created);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        RunProcesses.KillAll(DataDir);
        SharedPostgres.TryDelete(DataDir);
    }

    /// <summary>A new user in <paramref name="group"/> (a new group when null) with a pool on the cluster.</summary>
    public async Task<Tenant> NewTenantAsync(string? group = null)
    {
        using var op = Operator;
        if (group is null)
        {
            group = $"g-{Interlocked.Increment(ref _names)}";
            (await op.Post("groups", new { name = group, gpus = 4, clusters = new[] { Cluster } })).Expect(HttpStatusCode.Created);
        }

        var user = $"u-{Interlocked.Increment(ref _names)}";
        var token = (await op.Post("users", new { name = user })).Expect(HttpStatusCode.Created)["token"];
        (await op.Put($"groups/{group}/members/{user}")).Expect(HttpStatusCode.OK);
        return new Tenant(group, user, new ApiClient(Server.Url, token));
    }

    /// <summary>The working folder of a run's (first) execution.</summary>
    public string WorkFolderOf(string runId) =>
        Directory.GetDirectories(Path.Combine(DataDir, "work"), runId + "*").Single();
}

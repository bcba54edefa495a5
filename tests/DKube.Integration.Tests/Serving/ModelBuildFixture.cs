using System.Net;
using DKube.Integration.Tests.Infrastructure;
using DKube.Server;

namespace DKube.Integration.Tests.Serving;

/// <summary>A co-hosted server whose builds push to a real <c>docker-registry</c> over plain HTTP with real buildah.</summary>
public sealed class ModelBuildFixture : IAsyncLifetime
{
    private DKubeServer? _server;
    private int _names;

    public RegistryProcess Registry { get; } = new();

    public DKubeServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public string DataDir { get; } = ServerHandle.NewDataDir();

    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        await Registry.StartAsync();
        _connectionString = await SharedPostgres.NewDatabaseAsync();
        _server = await StartServerAsync();
    }

    /// <summary>Stops the server and starts a new one on the same database and data folder (a restart).</summary>
    public async Task RestartAsync()
    {
        await Server.DisposeAsync();
        _server = null;
        _server = await StartServerAsync();
    }

    private Task<DKubeServer> StartServerAsync() =>
        ServerHandle.StartAsync(_connectionString, DataDir, $"--BUILD_REGISTRY={Registry.Host}", "--BUILD_REGISTRY_TLS_VERIFY=false",
            "--BUILD_TIMEOUT_SECONDS=300");

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        await Registry.DisposeAsync();
        RunProcesses.KillAll(DataDir);
        SharedPostgres.TryDelete(DataDir);
    }

    public async Task<Tenant> NewTenantAsync()
    {
        var group = $"bg-{Interlocked.Increment(ref _names)}";
        var user = $"bu-{Interlocked.Increment(ref _names)}";
        using var op = new ApiClient(Server.Url, ServerHandle.OperatorToken);
        (await op.Post("groups", new { name = group, gpus = 1 })).Expect(HttpStatusCode.Created);
        var token = (await op.Post("users", new { name = user })).Expect(HttpStatusCode.Created)["token"];
        (await op.Put($"groups/{group}/members/{user}")).Expect(HttpStatusCode.OK);
        return new Tenant(group, user, new ApiClient(Server.Url, token));
    }

    /// <summary>Waits until the build has ended (Pushed or Failed).</summary>
    public static Task<Reply> WaitForEndAsync(Tenant tenant, string buildPath) =>
        Eventually.Until(() => tenant.Client.Get(buildPath), r => r.Status == HttpStatusCode.OK && r["status"] is "Pushed" or "Failed",
            TimeSpan.FromMinutes(4), $"{buildPath} ended");
}

using System.Net;
using DKube.Integration.Tests.Infrastructure;
using DKube.Server;

namespace DKube.Integration.Tests.Live;

/// <summary>A co-hosted server sampling every second, with a local cluster of virtual GPUs; each test takes groups of its own.</summary>
public sealed class LiveFixture : IAsyncLifetime
{
    private DKubeServer? _server;
    private int _names;

    public DKubeServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public ApiClient Operator => new(Server.Url, ServerHandle.OperatorToken);

    public string DataDir { get; } = ServerHandle.NewDataDir();

    public async Task InitializeAsync()
    {
        _server = await ServerHandle.StartAsync(await SharedPostgres.NewDatabaseAsync(), DataDir, "--UTILIZATION_SECONDS=1");
        using var op = Operator;
        (await op.Post("clusters", new
        {
            name = "lab",
            kind = "local",
            nodes = new object[] { new { name = "n1", gpus = 16, cpus = 64, memoryGiB = 256 } },
        })).Expect(HttpStatusCode.Created);
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

    public async Task<Tenant> NewTenantAsync(int gpus = 4)
    {
        var group = $"lg-{Interlocked.Increment(ref _names)}";
        var user = $"lu-{Interlocked.Increment(ref _names)}";
        using var op = Operator;
        (await op.Post("groups", new { name = group, gpus, clusters = new[] { "lab" } })).Expect(HttpStatusCode.Created);
        var token = (await op.Post("users", new { name = user })).Expect(HttpStatusCode.Created)["token"];
        (await op.Put($"groups/{group}/members/{user}")).Expect(HttpStatusCode.OK);
        return new Tenant(group, user, new ApiClient(Server.Url, token));
    }
}

using System.Net;

namespace DKube.Integration.Tests.Infrastructure;

/// <summary>A server with a local cluster of virtual GPUs; each test takes a group of its own on it.</summary>
public sealed class LabFixture : IAsyncLifetime
{
    private readonly ServerFixture _server;

    public LabFixture()
        : this([])
    {
    }

    /// <param name="extra">More command-line switches for the server (xunit needs the one public constructor above).</param>
    internal LabFixture(string[] extra) => _server = new(extra);

    public ServerFixture Server => _server;

    public const string Cluster = "lab";

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        using var op = _server.Operator;
        (await op.Post("clusters", new
        {
            name = Cluster,
            kind = "local",
            nodes = new object[]
            {
                new { name = "n1", gpus = 64, cpus = 64, memoryGiB = 256, labels = new[] { "gpu" } },
                new { name = "n2", gpus = 64, cpus = 64, memoryGiB = 256, labels = new[] { "gpu", "production" } },
            },
        })).Expect(HttpStatusCode.Created);
    }

    public Task DisposeAsync() => _server.DisposeAsync();

    /// <summary>A group with a pool of <paramref name="gpus"/> on the lab cluster and one member.</summary>
    public async Task<Tenant> NewTenantAsync(int gpus = 4, string policy = "BestEffortFifo")
    {
        var group = _server.UniqueName("g");
        var user = _server.UniqueName("u");
        using var op = _server.Operator;
        (await op.Post("groups", new { name = group, gpus, clusters = new[] { Cluster }, queuePolicy = policy })).Expect(HttpStatusCode.Created);
        var token = (await op.Post("users", new { name = user })).Expect(HttpStatusCode.Created)["token"];
        (await op.Put($"groups/{group}/members/{user}")).Expect(HttpStatusCode.OK);
        return new Tenant(group, user, new ApiClient(_server.Server.Url, token));
    }
}

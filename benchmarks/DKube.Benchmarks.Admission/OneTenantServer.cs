using System.Globalization;
using System.Net.Http.Headers;
using DKube.Abstractions.Clusters;
using DKube.Abstractions.Tenancy;
using DKube.Server;
using Microsoft.Extensions.DependencyInjection;

namespace DKube.Benchmarks.Admission;

/// <summary>
/// The server the capacity figures (api, profile) drive: the embedded default with one local
/// cluster of 4 nodes, one group of 32 GPUs and one user, whose client holds the connections.
/// One caller at the machine's limit is what the tenant limits exist to stop, so they are lifted:
/// the per-caller rates, the lanes' slots (a caller alone otherwise keeps 7/8 of 4 write slots per
/// core) and the per-caller wait queue (beyond it a caller gets 429s).
/// </summary>
public sealed class OneTenantServer : IAsyncDisposable
{
    public const int Connections = 64;

    private readonly List<string> _stopAtEnd = [];

    private OneTenantServer(DKubeServer server, HttpClient client) => (Server, Client) = (server, client);

    public DKubeServer Server { get; }

    /// <summary>Authenticated as the one user, with room for every connection the figures open.</summary>
    public HttpClient Client { get; }

    public IGrainFactory Grains => Server.App.Services.GetRequiredService<IGrainFactory>();

    public static async Task<OneTenantServer> StartAsync(
        string dataDir, int siloPort, int gatewayPort, Action<IServiceCollection>? services = null, IEnumerable<string>? settings = null)
    {
        var server = await DKubeServer.StartAsync(
            ["--urls=http://127.0.0.1:0", $"--DATA_DIR={dataDir}", "--Logging:LogLevel:Default=Error", $"--SILO_PORT={siloPort}", $"--GATEWAY_PORT={gatewayPort}",
             "--RATE_READS_PER_SECOND=1000000", "--RATE_WRITES_PER_SECOND=1000000",
             $"--MAX_CONCURRENT_REQUESTS={Connections * 4}", $"--MAX_CONCURRENT_WRITES={Connections * 2}", "--TENANT_QUEUE_LIMIT=100000", .. settings ?? []],
            TextWriter.Null, services: services);
        var grains = server.App.Services.GetRequiredService<IGrainFactory>();
        var nodes = Enumerable.Range(0, 4).Select(i => new NodeInfo($"n{i}", 8, 64, 512, [])).ToList();
        await grains.GetGrain<IClusterGrain>("bench").Register(new ClusterSpec("bench", ClusterKind.Local, nodes, new Dictionary<string, string>()));
        await grains.GetGrain<IGroupGrain>("bench-api").Create(32, ["bench"], null, null);
        var token = await grains.GetGrain<IUserGrain>("bench-api-user").Create([Roles.DataScientist]);
        await grains.GetGrain<IGroupGrain>("bench-api").AddMember("bench-api-user");
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Connections * 4 }) { BaseAddress = server.Url };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new OneTenantServer(server, client);
    }

    /// <summary>A run of the tenant's group that needs nothing and ends at once: what the figures submit.</summary>
    public static object RunSpec(string prefix, int i) =>
        new { name = prefix + i.ToString(CultureInfo.InvariantCulture), kind = "training", command = "true", gpus = 0, group = "bench-api" };

    /// <summary>A run to stop before the server does (a local process outlives its server, which a restart needs).</summary>
    public void StopAtEnd(string runId) => _stopAtEnd.Add(runId);

    public async ValueTask DisposeAsync()
    {
        foreach (var id in _stopAtEnd)
        {
            using var stopped = await Client.PostAsync($"/api/v1/runs/{id}/stop", null);
        }

        Client.Dispose();
        await Server.DisposeAsync();
    }
}

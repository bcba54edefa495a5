using DKube.Server;

namespace DKube.Integration.Tests.Infrastructure;

/// <summary>One co-hosted server on a fresh database, shared by the tests of a class.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private readonly string[] _extra;
    private DKubeServer? _server;

    private int _names;

    public ServerFixture()
        : this([])
    {
    }

    /// <summary>A server started with <paramref name="extra"/> switches (e.g. <c>--RATE_WRITE_BURST=3</c>); for fixtures that wrap this one.</summary>
    internal ServerFixture(string[] extra) => _extra = extra;

    public DKubeServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public ApiClient Operator => new(Server.Url, ServerHandle.OperatorToken);

    public string DataDir { get; } = ServerHandle.NewDataDir();

    /// <summary>The server's database (for dumps that look for what must never be stored).</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        ConnectionString = await SharedPostgres.NewDatabaseAsync();
        _server = await ServerHandle.StartAsync(ConnectionString, DataDir, _extra);
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

    /// <summary>A name no other test of this fixture uses.</summary>
    public string UniqueName(string prefix) => $"{prefix}-{Interlocked.Increment(ref _names)}";

    /// <summary>
    /// Creates a group with <paramref name="gpus"/> GPUs (drawn from <paramref name="clusters"/>, or
    /// all) and a member of it; returns the member's client.
    /// </summary>
    public async Task<(string Group, string User, ApiClient Client)> NewTenantAsync(int gpus = 4, params string[] clusters)
    {
        var group = UniqueName("g");
        var user = UniqueName("u");
        using var op = Operator;
        (await op.Post("groups", new { name = group, gpus, clusters })).Expect(System.Net.HttpStatusCode.Created);
        var token = (await op.Post("users", new { name = user })).Expect(System.Net.HttpStatusCode.Created)["token"];
        (await op.Put($"groups/{group}/members/{user}")).Expect(System.Net.HttpStatusCode.OK);
        return (group, user, new ApiClient(Server.Url, token));
    }
}

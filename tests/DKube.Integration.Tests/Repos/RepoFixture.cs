using System.Net;
using DKube.Integration.Tests.Infrastructure;
using DKube.Server;
using Microsoft.Extensions.DependencyInjection;

namespace DKube.Integration.Tests.Repos;

/// <summary>
/// A co-hosted server for repository tests: file:// git remotes allowed (local bare
/// repositories stand in for a git host) and a small upload limit so the limit is testable.
/// </summary>
public sealed class RepoFixture : IAsyncLifetime
{
    public const long MaxUploadBytes = 4 * 1024 * 1024;

    private DKubeServer? _server;
    private int _names;

    public DKubeServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public string ConnectionString { get; private set; } = "";

    public string DataDir { get; } = ServerHandle.NewDataDir();

    /// <summary>Every line the server logs (at Information), to search for what must never be logged.</summary>
    public LogCapture Log { get; } = new();

    public ApiClient Operator => new(Server.Url, ServerHandle.OperatorToken);

    public async Task InitializeAsync()
    {
        ConnectionString = await SharedPostgres.NewDatabaseAsync();
        _server = await ServerHandle.StartAsync(ConnectionString, DataDir, "--ALLOW_FILE_GIT_URLS=true", $"--MAX_UPLOAD_BYTES={MaxUploadBytes}",
            "--Logging:LogLevel:Default=Information", "--Logging:Console:LogLevel:Default=Warning");
        Server.App.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>().AddProvider(Log);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        SharedPostgres.TryDelete(DataDir);
    }

    public T Service<T>()
        where T : notnull => Server.App.Services.GetRequiredService<T>();

    public string UniqueName(string prefix) => $"{prefix}-{Interlocked.Increment(ref _names)}";

    /// <summary>Files in the version store (content blobs and manifests).</summary>
    public int StoredBlobCount() => Directory.EnumerateFiles(Path.Combine(DataDir, "blobs"), "*", SearchOption.AllDirectories).Count();

    /// <summary>Whatever an upload left in staging (nothing, once it answered).</summary>
    public int StagingEntryCount() => Directory.EnumerateFileSystemEntries(Path.Combine(DataDir, "staging")).Count();

    public async Task<(string Group, string User, ApiClient Client)> NewTenantAsync()
    {
        var group = UniqueName("g");
        var user = UniqueName("u");
        using var op = Operator;
        (await op.Post("groups", new { name = group, gpus = 4 })).Expect(HttpStatusCode.Created);
        var token = (await op.Post("users", new { name = user })).Expect(HttpStatusCode.Created)["token"];
        (await op.Put($"groups/{group}/members/{user}")).Expect(HttpStatusCode.OK);
        return (group, user, new ApiClient(Server.Url, token));
    }
}

using System.Net;
using DKube.Integration.Tests.Infrastructure;
using DKube.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DKube.Integration.Tests.Repos.Private;

/// <summary>
/// Git hosts that demand credentials (a real sshd, and git http-backend behind Basic auth) and a
/// co-hosted server of its own whose log is kept (at Information) so tests can search it for
/// secrets. Host keys are checked the way production checks them by default (accept-new, the
/// server's known_hosts in its data folder); plain http:// remotes are allowed for the http host.
/// </summary>
public sealed class PrivateRepoFixture : IAsyncLifetime
{
    private DKubeServer? _server;
    private SshGitHost? _host;
    private GitHttpHost? _http;
    private int _names;

    public DKubeServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public SshGitHost Host => _host ?? throw new InvalidOperationException("Not started.");

    public GitHttpHost Http => _http ?? throw new InvalidOperationException("Not started.");

    public LogCapture Log { get; } = new();

    public string ConnectionString { get; private set; } = "";

    public string DataDir { get; } = ServerHandle.NewDataDir();

    public async Task InitializeAsync()
    {
        _host = await SshGitHost.StartAsync();
        _http = await GitHttpHost.StartAsync();
        ConnectionString = await SharedPostgres.NewDatabaseAsync();
        _server = await ServerHandle.StartAsync(ConnectionString, DataDir,
            "--Logging:LogLevel:Default=Information", "--Logging:Console:LogLevel:Default=Warning", "--ALLOW_HTTP_GIT_URLS=true");
        Server.App.Services.GetRequiredService<ILoggerFactory>().AddProvider(Log);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_http is not null)
        {
            await _http.DisposeAsync();
        }

        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        SharedPostgres.TryDelete(DataDir);
    }

    public T Service<T>()
        where T : notnull => Server.App.Services.GetRequiredService<T>();

    public string UniqueName(string prefix) => $"{prefix}-{Interlocked.Increment(ref _names)}";

    public async Task<ApiClient> NewUserAsync()
    {
        var group = UniqueName("g");
        var user = UniqueName("u");
        using var op = new ApiClient(Server.Url, ServerHandle.OperatorToken);
        (await op.Post("groups", new { name = group, gpus = 1 })).Expect(HttpStatusCode.Created);
        var token = (await op.Post("users", new { name = user })).Expect(HttpStatusCode.Created)["token"];
        (await op.Put($"groups/{group}/members/{user}")).Expect(HttpStatusCode.OK);
        return new ApiClient(Server.Url, token);
    }
}

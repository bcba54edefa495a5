using System.Net;

namespace DKube.Integration.Tests.Infrastructure;

/// <summary>
/// A server with the real Slurm registered as a <c>slurm</c> cluster through the API, the way an
/// operator does it; each test takes a group of its own drawing on that cluster.
/// </summary>
public sealed class SlurmLabFixture : IAsyncLifetime
{
    public const string Cluster = "hpc";

    private readonly ServerFixture _server = new();

    public ServerFixture Server => _server;

    public SlurmEnvironment Slurm { get; private set; } = null!;

    /// <summary>Unique to this test run, so names never meet jobs left in Slurm by an earlier run.</summary>
    public string RunPrefix { get; } = "it" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>
    /// The cluster's shared folder: on this one-node Slurm any folder the job's user (slurm) can
    /// traverse; made 0755 under /tmp, not under the test's private data folder.
    /// </summary>
    public string SharedPath { get; } = Path.Combine(Path.GetTempPath(), "dkube-shared-" + Guid.NewGuid().ToString("N")[..8]);

    public async Task InitializeAsync()
    {
        Slurm = await SlurmEnvironment.LoadAsync();
        if (!OperatingSystem.IsWindows())
        {
            // Set, not only asked for at creation: a root server in this process made the umask 077.
            Directory.CreateDirectory(SharedPath);
            File.SetUnixFileMode(SharedPath, (UnixFileMode)0b111_101_101);
        }
        await _server.InitializeAsync();
        using var op = _server.Operator;
        (await op.Post("clusters", RegistrationBody(Cluster))).Expect(HttpStatusCode.Created);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        try
        {
            Directory.Delete(SharedPath, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Read-only staged inputs in a folder a job still holds: /tmp is cleaned anyway.
        }
    }

    /// <summary>POST /clusters body for this Slurm; <paramref name="token"/> overrides the JWT.</summary>
    public object RegistrationBody(string name, string? token = null) => new
    {
        name,
        kind = "slurm",
        endpoint = Slurm.Endpoint,
        user = Slurm.User,
        token = token ?? Slurm.Token,
        apiVersion = Slurm.ApiVersion,
        outputDirectory = Slurm.JobsDirectory,
        jobCompLog = Slurm.JobCompLog,
        sharedPath = SharedPath,
    };

    /// <summary>A group with a pool of <paramref name="gpus"/> on the Slurm cluster and one member.</summary>
    public async Task<Tenant> NewTenantAsync(int gpus = 8)
    {
        var group = _server.UniqueName("sg");
        var user = _server.UniqueName("su");
        using var op = _server.Operator;
        (await op.Post("groups", new { name = group, gpus, clusters = new[] { Cluster } })).Expect(HttpStatusCode.Created);
        var token = (await op.Post("users", new { name = user })).Expect(HttpStatusCode.Created)["token"];
        (await op.Put($"groups/{group}/members/{user}")).Expect(HttpStatusCode.OK);
        return new Tenant(group, user, new ApiClient(_server.Server.Url, token));
    }
}

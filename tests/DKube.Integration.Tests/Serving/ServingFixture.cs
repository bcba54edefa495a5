using System.Net;
using System.Net.Http.Headers;
using System.Text;
using DKube.Integration.Tests.Infrastructure;
using DKube.Server;

namespace DKube.Integration.Tests.Serving;

/// <summary>
/// A co-hosted server for the serving tests: short autoscaler windows (6 s stable, 1 s panic)
/// and drains, so scale to zero and back fits in a test; a gateway queue of <see cref="QueueDepth"/>
/// per deployment, so a test can fill it; monitors' windows end at now (the monitor
/// tests wait for the prediction log themselves); file:// git remotes (a transformer's code from a
/// local bare repository); everything else as shipped.
/// </summary>
public sealed class ServingFixture : IAsyncLifetime
{
    /// <summary>
    /// Requests of one deployment that may wait at the gateway (DKUBE_SERVING_QUEUE_DEPTH): more than
    /// the autoscaling test's closed-loop clients ever queue (6 against one request per replica).
    /// </summary>
    public const int QueueDepth = 8;

    /// <summary>The trained model's answers: a logistic regression of y = x0 (two features).</summary>
    public const string TrainCommand =
        "/usr/bin/python3 -c \"from sklearn.linear_model import LogisticRegression; import joblib, os; "
        + "m = LogisticRegression().fit([[0,0],[1,1],[0,1],[1,0]], [0,1,0,1]); "
        + "joblib.dump(m, os.path.join(os.environ['DKUBE_OUTPUT_DIR'], 'model.joblib')); print('trained')\"";

    private DKubeServer? _server;
    private int _names;

    public DKubeServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public string DataDir { get; } = ServerHandle.NewDataDir();

    public ApiClient Operator => new(Server.Url, ServerHandle.OperatorToken);

    public async Task InitializeAsync()
    {
        var connectionString = await SharedPostgres.NewDatabaseAsync();
        _server = await ServerHandle.StartAsync(connectionString, DataDir, "--SERVING_STABLE_WINDOW_SECONDS=6", "--ALLOW_FILE_GIT_URLS=true",
            "--SERVING_SCALE_TO_ZERO_GRACE_SECONDS=4", "--SERVING_DRAIN_SECONDS=2", "--SERVING_READY_SECONDS=120",
            $"--SERVING_QUEUE_DEPTH={QueueDepth}",
            // The monitor tests wait until the gateway's records are written before they evaluate.
            "--MONITOR_LOG_SETTLE_SECONDS=0");
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

    public async Task<Tenant> NewTenantAsync()
    {
        var group = $"g-{Interlocked.Increment(ref _names)}";
        var user = $"u-{Interlocked.Increment(ref _names)}";
        using var op = Operator;
        (await op.Post("groups", new { name = group, gpus = 4 })).Expect(HttpStatusCode.Created);
        var token = (await op.Post("users", new { name = user })).Expect(HttpStatusCode.Created)["token"];
        (await op.Put($"groups/{group}/members/{user}")).Expect(HttpStatusCode.OK);
        return new Tenant(group, user, new ApiClient(Server.Url, token));
    }

    /// <summary>A model repository named <paramref name="name"/> with one version trained by a real run (sklearn, joblib).</summary>
    public static async Task<string> TrainModelAsync(Tenant tenant, string name)
    {
        var model = (await tenant.Client.Post("models", new { name })).Expect(HttpStatusCode.Created)["id"];
        await TrainVersionAsync(tenant, name);
        return model;
    }

    /// <summary>One more version of the model, made by a training run.</summary>
    public static async Task TrainVersionAsync(Tenant tenant, string name)
    {
        var run = (await tenant.Client.Post("runs", new { name = $"train-{name}", kind = "training", command = TrainCommand, output = new { model = name }, gpus = 0 }))
            .Expect(HttpStatusCode.Created)["id"];
        var done = await Eventually.Until(() => tenant.Client.Get($"runs/{run}"), r => r["status"] is "Complete" or "Failed" or "Error", TimeSpan.FromMinutes(3));
        Assert.True(done["status"] == "Complete", done.Text + (await tenant.Client.Get($"runs/{run}/logs")).Text);
    }

    /// <summary>A request through the gateway (at the server's root) with the tenant's token: status, body, headers.</summary>
    public Task<(HttpStatusCode Status, string Body, HttpResponseHeaders Headers)> ServeAsync(
        HttpClient http, string? token, HttpMethod method, string path, string? json = null) =>
        ServeAsync(http, Server.Url, token, method, path, json);

    /// <summary>A request through the gateway of the server at <paramref name="server"/> (any fixture's).</summary>
    public static async Task<(HttpStatusCode Status, string Body, HttpResponseHeaders Headers)> ServeAsync(
        HttpClient http, Uri server, string? token, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(server, path));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers);
    }

    /// <summary>Waits until the deployment is <paramref name="status"/> with <paramref name="ready"/> ready replicas (any number when null).</summary>
    public static Task<Reply> WaitForAsync(Tenant tenant, string id, string status, int? ready = null) =>
        Eventually.Until(() => tenant.Client.Get($"deployments/{id}"),
            r => r.Status == HttpStatusCode.OK && r["status"] == status && (ready is null || r.Json["replicas"]!["ready"]!.GetValue<int>() == ready),
            TimeSpan.FromMinutes(3), $"deployment {id} {status} with {ready} ready");
}

using DKube.Abstractions.Repos;
using DKube.Abstractions.Serving;
using DKube.Grains.Tests.Infrastructure;
using DKube.Grains.Tests.Workloads;

namespace DKube.Grains.Tests.Serving;

/// <summary>
/// A deployment's world for one test: a local cluster and group (<see cref="WorkloadWorld"/>), a
/// model with two versions, and a custom runtime that is a real Python server: it answers with
/// the version it serves, exits (code 3) on <c>/crash</c>, and answers 503 (not ready) while a
/// file <c>hold-{version}</c> exists in <see cref="WorkloadWorld.Marks"/>; it prints one line to its log once it listens.
/// </summary>
public sealed class DeploymentWorld(GrainClusterFixture fixture, WorkloadWorld workloads, string modelRepo)
{
    private const string Server = """
        import http.server, os, sys
        marks = sys.argv[1]
        version = open(os.path.join(os.environ["DKUBE_MODEL_DIR"], "v.txt")).read().strip()
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/crash":
                    os._exit(3)
                held = os.path.exists(os.path.join(marks, "hold-" + version))
                body = version.encode()
                self.send_response(503 if held else 200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        server = http.server.ThreadingHTTPServer((os.environ["DKUBE_BIND_ADDRESS"], int(os.environ["PORT"])), Handler)
        print("replica server of version " + version + " listening", flush=True)
        server.serve_forever()
        """;

    public WorkloadWorld Workloads { get; } = workloads;

    public static async Task<DeploymentWorld> CreateAsync(GrainClusterFixture fixture)
    {
        var workloads = await WorkloadWorld.CreateAsync(fixture);
        await File.WriteAllTextAsync(Path.Combine(workloads.Marks, "server.py"), Server);
        var repo = await workloads.RepoAsync(fixture, RepoKind.Model, WorkloadWorld.Owner, [("v.txt", "1")], [("v.txt", "2")]);
        return new DeploymentWorld(fixture, workloads, repo);
    }

    public DeploymentSpec Spec(int min, int max, int version = 1) => new(
        "d", Workloads.Group, null, null, Model(version),
        new ServingRuntime(ServingRuntime.Custom, $"exec /usr/bin/python3 {Workloads.Marks}/server.py {Workloads.Marks}", null, null, ""),
        0, null, null, min, max, 10, Workloads.Cluster, false, false);

    public DeploymentModel Model(int version) => new("m", modelRepo, version);

    /// <summary>Replicas of <paramref name="version"/> answer 503 until <see cref="Release"/>.</summary>
    public void Hold(int version) => File.WriteAllText(HoldFile(version), "");

    public void Release(int version) => File.Delete(HoldFile(version));

    /// <summary>
    /// Waits for the deployment to reach <paramref name="done"/>, moving the grains' clock on by
    /// <paramref name="step"/> between looks: probes and the autoscaler's ticks run on that clock.
    /// </summary>
    public async Task<DeploymentView> SettleAsync(IDeploymentGrain deployment, Func<DeploymentView, bool> done, string what, TimeSpan? step = null,
        Func<Task>? eachStep = null) =>
        (await Eventually.Until(
            async () =>
            {
                if (eachStep is not null)
                {
                    await eachStep();
                }

                fixture.Time.Advance(step ?? TimeSpan.FromMilliseconds(250));
                return await deployment.Get();
            },
            v => v is not null && done(v), TimeSpan.FromSeconds(120), what))!;

    private string HoldFile(int version) => Path.Combine(Workloads.Marks, $"hold-{version}");
}

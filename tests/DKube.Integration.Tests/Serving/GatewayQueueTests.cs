using System.Net;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Serving;

/// <summary>
/// The gateway's full queue over real HTTP, through the real server: a custom runtime (a real
/// Python server) holds every request it is sent until it is told to release them, so one replica
/// with <c>maxConcurrentRequests: 1</c> is saturated by one request, the next
/// <see cref="ServingFixture.QueueDepth"/> wait at the gateway, and any more are answered at once
/// with 503, <c>Retry-After</c> and a problem of type <c>overloaded</c>. Nothing sleeps: the
/// test waits on the answers and on what the replica counted.
/// </summary>
[Collection(ServingCollection.Name)]
public sealed class GatewayQueueTests(ServingFixture fixture)
{
    /// <summary>Requests past the queue depth.</summary>
    private const int Refused = 3;

    // GET /hold waits until /release (sent straight to the replica, not through the busy gateway);
    // /held says how many /hold requests reached it; anything else answers at once (the probe).
    private const string HoldingServer = """
        exec /usr/bin/python3 -c '
        import http.server, os, threading
        released = threading.Event()
        lock = threading.Lock()
        held = [0]
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/hold":
                    with lock:
                        held[0] += 1
                    released.wait()
                    body = b"released"
                elif self.path == "/release":
                    released.set()
                    body = b"ok"
                elif self.path == "/held":
                    with lock:
                        body = str(held[0]).encode()
                else:
                    body = b"ready"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        http.server.ThreadingHTTPServer((os.environ["DKUBE_BIND_ADDRESS"], int(os.environ["PORT"])), Handler).serve_forever()
        '
        """;

    [Fact]
    public async Task Past_the_queue_depth_a_request_gets_503_with_retry_after_and_an_overloaded_problem_and_the_waiting_ones_are_served()
    {
        using var alice = await fixture.NewTenantAsync();
        using var direct = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        await ServingFixture.TrainModelAsync(alice, "q");
        // One replica only (no scale-up to relieve the queue), one request at a time.
        var id = (await alice.Client.Post("deployments", new
        {
            name = "held", model = new { name = "q" }, minReplicas = 1, maxReplicas = 1, maxConcurrentRequests = 1,
            serving = new { runtime = "custom", command = HoldingServer },
        })).Expect(HttpStatusCode.Created)["id"];
        var running = await ServingFixture.WaitForAsync(alice, id, "Running", ready: 1);
        var replica = running.Json["replicaList"]![0]!["url"]!.ToString().TrimEnd('/');

        // One in flight, QueueDepth waiting, Refused more: all sent at once, in any order.
        var requests = Enumerable.Range(0, 1 + ServingFixture.QueueDepth + Refused).Select(_ => alice.Client.Get($"/serve/{id}/hold")).ToList();
        await Eventually.TrueAsync(() => requests.Count(r => r.IsCompleted) >= Refused, $"{Refused} requests answered while the replica holds");
        await Eventually.Until(() => direct.GetStringAsync($"{replica}/held"), held => held == "1", what: "one request held by the replica");
        var refused = requests.Where(r => r.IsCompleted).Select(r => r.Result).ToList();
        var waiting = requests.Where(r => !r.IsCompleted).ToList();

        Assert.Equal(Refused, refused.Count);
        foreach (var answer in refused)
        {
            answer.ExpectProblem(HttpStatusCode.ServiceUnavailable);
            Assert.Equal("https://dkube.io/problems/overloaded", answer["type"]);
            Assert.Equal("1", answer.RetryAfter);
        }

        // The replica lets its request go: the waiting ones are served one by one, none refused.
        Assert.Equal("ok", await direct.GetStringAsync($"{replica}/release"));
        var served = await Task.WhenAll(waiting);
        Assert.Equal(1 + ServingFixture.QueueDepth, served.Length);
        Assert.All(served, answer => Assert.Equal((HttpStatusCode.OK, "released"), (answer.Status, answer.Text)));
        Assert.Equal((1 + ServingFixture.QueueDepth).ToString(System.Globalization.CultureInfo.InvariantCulture), await direct.GetStringAsync($"{replica}/held"));

        // The queue is free again: a request now is served.
        Assert.Equal(HttpStatusCode.OK, (await alice.Client.Get($"/serve/{id}/hold")).Status);
        (await alice.Client.Delete($"deployments/{id}")).Expect(HttpStatusCode.NoContent);
    }
}
